import { describe, expect, it } from 'vitest';
import { decodeEntities, parseMrkdwn, toPlain } from '../../preview/mrkdwn.js';

describe('parseMrkdwn', () => {
  it('reads bold, italic, strike and code', () => {
    expect(parseMrkdwn('*Status* _now_ ~old~ `x`')).toEqual([
      { kind: 'bold', children: [{ kind: 'text', text: 'Status' }] },
      { kind: 'text', text: ' ' },
      { kind: 'italic', children: [{ kind: 'text', text: 'now' }] },
      { kind: 'text', text: ' ' },
      { kind: 'strike', children: [{ kind: 'text', text: 'old' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'x' },
    ]);
  });

  it('does not treat markers inside words as formatting', () => {
    expect(toPlain(parseMrkdwn('snake_case_name 2*3*4'))).toBe('snake_case_name 2*3*4');
    expect(parseMrkdwn('snake_case_name').every((node) => node.kind === 'text')).toBe(true);
  });

  it('reads links with and without labels, keeping underscores in URLs', () => {
    expect(parseMrkdwn('<https://x.test/a_b_c|the _label_> <https://y.test>')).toEqual([
      { kind: 'link', url: 'https://x.test/a_b_c', label: 'the _label_' },
      { kind: 'text', text: ' ' },
      { kind: 'link', url: 'https://y.test', label: 'https://y.test' },
    ]);
  });

  it('shows a date token as its fallback text', () => {
    expect(
      toPlain(parseMrkdwn('Started <!date^1392734382^{date_short} at {time}|Feb 18, 2014 at 6:39 AM>'))
    ).toBe('Started Feb 18, 2014 at 6:39 AM');
  });

  it('shows mentions by name', () => {
    expect(toPlain(parseMrkdwn('<!here> <@U123> <#C9|alerts> <!subteam^S1|@oncall> <!subteam^S2>'))).toBe(
      '@here @U123 #alerts @oncall @S2'
    );
  });

  it('decodes the three entities once, so escaped text reads as typed', () => {
    expect(toPlain(parseMrkdwn('a &lt;b&gt; &amp; c &amp;lt;'))).toBe('a <b> & c &lt;');
    expect(decodeEntities('&amp;amp;')).toBe('&amp;');
  });

  it('keeps escaped angle brackets as text, never as a link', () => {
    const nodes = parseMrkdwn('&lt;https://evil.test|click&gt;');
    expect(nodes).toEqual([{ kind: 'text', text: '<https://evil.test|click>' }]);
  });

  it('reads preformatted blocks and nested formatting', () => {
    expect(parseMrkdwn('```\nline 1\nline &amp; 2```')).toEqual([{ kind: 'pre', text: 'line 1\nline & 2' }]);
    expect(parseMrkdwn('*bold <https://z.test|link>*')).toEqual([
      {
        kind: 'bold',
        children: [
          { kind: 'text', text: 'bold ' },
          { kind: 'link', url: 'https://z.test', label: 'link' },
        ],
      },
    ]);
  });

  it('replaces known emoji shortcodes and leaves unknown ones', () => {
    expect(toPlain(parseMrkdwn(':x: failed :not_an_emoji:'))).toBe('❌ failed :not_an_emoji:');
  });
});

describe('quotes', () => {
  it('reads a raw > at line start as a quote, and an escaped &gt; as text', () => {
    expect(parseMrkdwn('*Step*\n> it broke\n&gt; not a quote')).toEqual([
      { kind: 'bold', children: [{ kind: 'text', text: 'Step' }] },
      { kind: 'text', text: '\n' },
      { kind: 'quote', children: [{ kind: 'text', text: 'it broke' }] },
      { kind: 'text', text: '> not a quote' },
    ]);
  });
});
