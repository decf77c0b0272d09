import { describe, expect, it } from 'vitest';
import { blockKitBuilderUrl } from '../../preview/block-kit-builder.js';

describe('blockKitBuilderUrl', () => {
  it('puts the URL-encoded {blocks} JSON after the builder fragment', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'a & b #1 <x|y>' } }];
    const url = blockKitBuilderUrl({ text: 'not included', blocks });
    expect(url.startsWith('https://app.slack.com/block-kit-builder#%7B%22blocks%22')).toBe(true);
    const fragment = url.slice(url.indexOf('#') + 1);
    expect(fragment).not.toMatch(/[#&<>|\s]/);
    expect(JSON.parse(decodeURIComponent(fragment))).toEqual({ blocks });
  });

  it('sends an empty block list for a text-only message', () => {
    const url = blockKitBuilderUrl({ text: 'plain' });
    expect(JSON.parse(decodeURIComponent(url.split('#')[1] ?? ''))).toEqual({ blocks: [] });
  });
});
