import type { AssociationRun } from './fleet-facts';

/**
 * How the report reads association results without a call per node where a call per page or per
 * run exists: the runs of each association from DescribeAssociationExecutions (50 to a call, with
 * each run's node counts by status), then from DescribeAssociationExecutionTargets (50 nodes to a
 * call) only the statuses the newest finished run actually has besides Success. Successes are read
 * only for the nodes the report needs them for, in whichever way takes fewer calls.
 */

/** Runs older than this are not read: longer than the default 30-day CloudWatch Agent rate and a monthly cron. */
export const RUN_LOOKBACK_DAYS = 35;
/** The report's week. */
export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** DescribeAssociationExecutionTargets returns at most this many nodes per call. */
export const TARGETS_PER_PAGE = 50;
/** Statuses of a run (or a node in it) that are not finished yet. */
const UNFINISHED: readonly string[] = ['Pending', 'InProgress'];
/** Node statuses that are neither a success nor a failure. */
const NOT_FAILURES: readonly string[] = ['Success', 'Pending', 'InProgress', 'Skipped'];

/**
 * `ResourceCountByStatus` as DescribeAssociationExecutions writes it: `{Failed=1, Success=1}` (not
 * JSON). JSON is accepted too, in case the service changes its mind.
 */
export function parseResourceCounts(text: string | undefined): Record<string, number> {
  if (!text) return {};
  const counts: Record<string, number> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') {
      for (const [status, count] of Object.entries(parsed)) if (Number.isFinite(Number(count))) counts[status] = Number(count);
      return counts;
    }
  } catch {
    // Not JSON: the `{Status=N, …}` form.
  }
  for (const match of text.matchAll(/([A-Za-z]+)\s*[=:]\s*(\d+)/g)) counts[match[1]!] = Number(match[2]);
  return counts;
}

/** The newest run that has finished (a run under way has no final results yet). */
export function latestFinishedRun(runs: readonly AssociationRun[]): AssociationRun | undefined {
  return [...runs].filter((run) => !UNFINISHED.includes(run.status)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
}

/** The statuses other than Success that nodes of the run have, each read with its own filtered listing. */
export function statusesToRead(run: AssociationRun): string[] {
  return Object.entries(run.counts)
    .filter(([status, count]) => status !== 'Success' && count > 0)
    .map(([status]) => status)
    .sort();
}

/** How the successes of the nodes in question are learned: not at all, node by node, or by listing every success. */
export type SuccessLookup = { kind: 'none' } | { kind: 'by-node'; ids: string[] } | { kind: 'listing'; pages: number };

/**
 * The cheaper way to learn which of `ids` succeeded in the run: one filtered call per node
 * (ResourceId), or the Success listing, 50 nodes a call. Both are paced by the same quota, so the one
 * with fewer calls wins; at 50,000 nodes the listing is 1,000 calls, and a handful of nodes is a handful.
 */
export function successLookup(run: AssociationRun | undefined, ids: readonly string[]): SuccessLookup {
  const successes = run?.counts.Success ?? 0;
  if (!run || ids.length === 0 || successes === 0) return { kind: 'none' };
  const pages = Math.ceil(successes / TARGETS_PER_PAGE);
  return ids.length <= pages ? { kind: 'by-node', ids: [...ids] } : { kind: 'listing', pages };
}

/** The week's runs of one association and how many node runs in them failed. */
export function weekFailures(runs: readonly AssociationRun[]): { runs: number; failedNodeRuns: number; failedRunsWithoutNodes: number } {
  let failedNodeRuns = 0;
  let failedRunsWithoutNodes = 0;
  for (const run of runs) {
    const failed = Object.entries(run.counts)
      .filter(([status]) => !NOT_FAILURES.includes(status))
      .reduce((sum, [, count]) => sum + count, 0);
    failedNodeRuns += failed;
    // A run that failed as a whole (no targets, a bad document) has no node that failed.
    if (failed === 0 && !UNFINISHED.includes(run.status) && run.status !== 'Success') failedRunsWithoutNodes += 1;
  }
  return { runs: runs.length, failedNodeRuns, failedRunsWithoutNodes };
}
