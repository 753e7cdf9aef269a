const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Longer clusters than this (in UTF-16 code units) are not expected in text the product handles. */
const MAX_CLUSTER_LENGTH = 64;

/**
 * The last boundary between user-perceived characters at or before `position`, so that a cut there
 * never splits a surrogate pair or a combining sequence. Only a window around `position` is segmented,
 * which keeps cutting large texts linear.
 */
function boundaryAtOrBefore(text: string, position: number): number {
  if (position >= text.length) return text.length;
  const start = Math.max(0, position - MAX_CLUSTER_LENGTH);
  let boundary = start;
  for (const { index } of graphemes.segment(text.slice(start, position + MAX_CLUSTER_LENGTH))) {
    if (start + index > position) break;
    boundary = start + index;
  }
  return boundary;
}

/** The first boundary between user-perceived characters at or after `position`. */
function boundaryAtOrAfter(text: string, position: number): number {
  if (position <= 0) return 0;
  const start = Math.max(0, position - MAX_CLUSTER_LENGTH);
  for (const { index } of graphemes.segment(text.slice(start, position + MAX_CLUSTER_LENGTH))) {
    if (start + index >= position) return start + index;
  }
  return text.length;
}

/** Cuts `text` to at most `maxLength` UTF-16 code units, ending with `ellipsis` when cut, on a character boundary. */
export function truncateEnd(text: string, maxLength: number, ellipsis = '…'): string {
  if (text.length <= maxLength) return text;
  return text.slice(0, boundaryAtOrBefore(text, maxLength - ellipsis.length)) + ellipsis;
}

/** Keeps the last `maxLength` code units of `text` (errors usually come last), on a character boundary. */
export function keepTail(text: string, maxLength: number): { text: string; truncated: boolean } {
  if (text.length <= maxLength) return { text, truncated: false };
  return { text: text.slice(boundaryAtOrAfter(text, text.length - maxLength)), truncated: true };
}

/** Cuts `text` so that its UTF-8 encoding takes at most `maxBytes`, on a character boundary. */
export function truncateUtf8(text: string, maxBytes: number, ellipsis = '…'): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  let bytes = 0;
  let position = 0;
  for (const codePoint of text) {
    const size = Buffer.byteLength(codePoint, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    position += codePoint.length;
  }
  return text.slice(0, boundaryAtOrBefore(text, position)) + ellipsis;
}

/** Replaces line breaks and other control characters with spaces, keeping the text's length meaning. */
export function withoutControlCharacters(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ');
}

/** One line: no control characters, single spaces, no leading or trailing space. */
export function singleLine(text: string): string {
  return withoutControlCharacters(text).replace(/ {2,}/g, ' ').trim();
}
