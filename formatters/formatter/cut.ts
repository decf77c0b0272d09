/**
 * Cutting text without breaking characters. Slack counts limits in characters; JavaScript strings are UTF-16,
 * so a plain `slice` can leave half a surrogate pair (invalid in JSON sent to Slack) or split an emoji made of
 * several code points (a flag, a skin tone, a family). Cuts here land on a grapheme boundary, never beyond
 * `max` UTF-16 units (so never beyond `max` characters either).
 */
let graphemes: Intl.Segmenter | undefined;

/** Created on the first cut that needs it: building a segmenter loads ICU data, several ms of a cold start. */
function segmenter(): Intl.Segmenter {
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return graphemes;
}

/** How far back from the cut graphemes are looked for; longer clusters are cut before them whole. */
const WINDOW = 64;

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The longest prefix of `text` of at most `max` UTF-16 units that ends on a grapheme boundary. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const before = text.charCodeAt(max - 1);
  const after = text.charCodeAt(max);
  // Between two characters below U+0300 (no combining mark, joiner, surrogate or regional indicator) there
  // is always a grapheme boundary, except inside CR LF: most cuts are decided without segmenting.
  if (before < 0x300 && after < 0x300 && !(before === 13 && after === 10)) return text.slice(0, max);
  let start = Math.max(0, max - WINDOW);
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start -= 1;
  let end = start;
  // The window reaches past `max` so a cluster ending exactly at `max` is known to end there.
  for (const { index, segment } of segmenter().segment(
    text.slice(start, Math.min(text.length, max + WINDOW))
  )) {
    const segmentEnd = start + index + segment.length;
    if (segmentEnd > max) break;
    end = segmentEnd;
  }
  return text.slice(0, end);
}
