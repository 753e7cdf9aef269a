/**
 * Lists that must fit a size limit together: each shows its first `cap` items and one line counting
 * the rest, the same cap for every list, the largest cap that fits. A short list is shown whole and
 * leaves its room to the long ones; no list is cut in the middle of a line, and every item is either
 * shown or counted.
 */

/** One list of a text: lines above it, its items, a line counting the items left out, lines below it. */
export interface ShortenableList {
  readonly head: readonly string[];
  readonly items: readonly string[];
  /** The line that replaces `count` items left out. */
  readonly more: (count: number) => string;
  readonly tail: readonly string[];
  /** Shown instead of the items when there are none. */
  readonly empty: string;
}

/** A block of text: fixed, or a list that can be shortened. */
export type Block = string | ShortenableList;

/** The list as text, with at most `cap` of its items. */
export function renderList(list: ShortenableList, cap: number): string {
  const shown = list.items.slice(0, cap);
  const left = list.items.length - shown.length;
  const body = list.items.length === 0 ? [list.empty] : [...shown, ...(left > 0 ? [list.more(left)] : [])];
  return [...list.head, ...body, ...list.tail].join('\n');
}

/** Every block as text, lists with at most `cap` items each. */
export function renderBlocks(blocks: readonly Block[], cap: number): string[] {
  return blocks.map((block) => (typeof block === 'string' ? block : renderList(block, cap)));
}

/**
 * The largest cap for which `fits` holds (assumed to hold for every cap below one that does), from 0
 * up to the longest list; 0 when even that does not fit.
 */
export function largestFittingCap(blocks: readonly Block[], fits: (texts: string[]) => boolean): number {
  const longest = Math.max(0, ...blocks.map((block) => (typeof block === 'string' ? 0 : block.items.length)));
  if (fits(renderBlocks(blocks, longest))) return longest;
  let low = 0;
  let high = longest;
  // Invariant: caps <= low fit (or low is 0), high does not.
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (fits(renderBlocks(blocks, middle))) low = middle;
    else high = middle;
  }
  return low;
}
