import { forEachLimited } from './run-deadline';

/** How to read a list of IDs from an API that takes up to `sliceSize` of them per call. */
export interface IdSliceOptions {
  sliceSize: number;
  /** Slices read at once. */
  concurrency: number;
  /** True for the error the API raises for a whole call when one of its IDs is unknown. */
  isUnknownId: (error: unknown) => boolean;
}

/**
 * Reads `ids` in slices, each slice page by page through `readPage` (which keeps what a page holds
 * and returns the next page's token). The APIs fail a whole call for one ID they do not know: such a
 * slice is split in halves until the unknown ID stands alone, and that ID is left out. Any other error
 * fails the read. Resolves to the number of calls made.
 */
export async function readIdSlices(
  ids: readonly string[],
  options: IdSliceOptions,
  readPage: (slice: readonly string[], token: string | undefined) => Promise<string | undefined>,
): Promise<number> {
  let calls = 0;
  const query = async (slice: readonly string[]): Promise<void> => {
    let token: string | undefined;
    do {
      try {
        calls += 1;
        token = await readPage(slice, token);
      } catch (error) {
        if (!options.isUnknownId(error)) throw error;
        if (slice.length === 1) return;
        const half = Math.ceil(slice.length / 2);
        await query(slice.slice(0, half));
        await query(slice.slice(half));
        return;
      }
    } while (token);
  };
  const slices: string[][] = [];
  for (let start = 0; start < ids.length; start += options.sliceSize) slices.push(ids.slice(start, start + options.sliceSize));
  await forEachLimited(slices, options.concurrency, query);
  return calls;
}
