/**
 * Paces calls to `ratePerSecond`, spaced evenly 1/rate apart: each caller reserves the next free slot
 * and waits for it, so concurrent callers share the rate instead of each using it. Even spacing (a
 * bucket that holds a single token) never draws down the burst allowance of AWS's own token bucket,
 * whatever size it has, so a quota of N per second is never exceeded by this client.
 *
 * A caller that would only get a slot after its deadline reserves nothing and is told so at once, so
 * no wait outlives the run that started it.
 */
export class TokenBucket {
  private readonly intervalMs: number;
  private nextSlotAt = -Infinity;

  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`a token bucket needs a positive rate, not ${ratePerSecond}`);
    // Whole milliseconds, rounded up: 3 per second is every 334 ms, never 4 calls within a second.
    this.intervalMs = Math.ceil(1000 / ratePerSecond);
  }

  /** Waits for the next slot; false (at once, without waiting) when that slot would come after `deadline` (epoch ms). */
  async take(deadline = Infinity): Promise<boolean> {
    const slot = Math.max(this.now(), this.nextSlotAt);
    if (slot > deadline) return false;
    this.nextSlotAt = slot + this.intervalMs;
    const wait = slot - this.now();
    if (wait > 0) await delay(wait);
    return true;
  }
}

/**
 * Resolves after `ms`. The global timer on purpose (not node:timers/promises): the bench and the tests
 * run the functions on a virtual clock that replaces the global timers.
 */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
