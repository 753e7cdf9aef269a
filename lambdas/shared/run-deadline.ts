import { setMaxListeners } from 'node:events';
import type { Context } from 'aws-lambda';

/**
 * A point in time after which a run starts nothing new, with an AbortSignal that cancels what is
 * still in flight then. Every call a run makes carries such a signal, so nothing it started is left
 * running when the handler returns.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(readonly at: number) {
    this.signal = this.controller.signal;
    // Every call in flight listens to the signal; a run has dozens at once, which is not a leak.
    setMaxListeners(1000, this.signal);
    this.timer = setTimeout(() => this.controller.abort(), Math.max(0, at - Date.now()));
  }

  /** The deadline at `share` of the function's time left, counted from now. */
  static shareOf(context: Pick<Context, 'getRemainingTimeInMillis'>, share: number, reserveMs = 0): Deadline {
    return new Deadline(Date.now() + context.getRemainingTimeInMillis() * share - reserveMs);
  }

  get passed(): boolean {
    return Date.now() >= this.at;
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Stops the timer; call it when the run ends so that no timer outlives the invocation. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}

/**
 * Runs `work` for each item with at most `limit` in flight, in the order of the items. On the first
 * failure no new item starts; the ones in flight are awaited, then the failure is thrown, so nothing
 * is left running behind the caller.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
