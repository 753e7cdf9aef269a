import { spokeOf, type Spoke } from '../../contract/spokes';

/**
 * How a hub's scheduled report is shared out: the scheduled run starts one asynchronous invocation
 * of the function per stack it covers (its own, then each spoke), each carrying the stack's key, so
 * that every report has the whole timeout, Lambda's retries and the dead-letter queue to itself.
 */

/** The `source` of the events the report sends itself. */
export const STACK_REPORT_SOURCE = 'ssm-agent-ops.weekly-report';

/** The event of one stack's report: the hub's own, or a spoke's by its account and Region. */
export interface StackReportEvent {
  source: typeof STACK_REPORT_SOURCE;
  stack: 'own' | { account: string; region: string };
}

/** What an invocation is asked to do. */
export type ReportRequest = { kind: 'schedule' } | { kind: 'own' } | { kind: 'spoke'; spoke: Spoke };

/** The events that start every stack's report, the hub's own first. */
export function stackReportEvents(spokes: readonly Spoke[]): StackReportEvent[] {
  return [
    { source: STACK_REPORT_SOURCE, stack: 'own' },
    ...spokes.map((spoke): StackReportEvent => ({ source: STACK_REPORT_SOURCE, stack: { account: spoke.account, region: spoke.region } })),
  ];
}

/**
 * What an event asks for. Anything that is not one of the report's own events (the schedule's, a
 * test invocation's) is the schedule. An event of the report's own that names no known stack is an
 * error, naming the field and what is allowed: it fails the invocation, which lands in the
 * dead-letter queue rather than mailing a report about the wrong stack.
 */
export function reportRequestOf(event: unknown, spokes: readonly Spoke[]): ReportRequest {
  if (typeof event !== 'object' || event === null || (event as { source?: unknown }).source !== STACK_REPORT_SOURCE) return { kind: 'schedule' };
  const { stack } = event as { stack?: unknown };
  if (stack === 'own') return { kind: 'own' };
  const { account, region } = (typeof stack === 'object' && stack !== null ? stack : {}) as { account?: unknown; region?: unknown };
  const spoke = typeof account === 'string' && typeof region === 'string' ? spokeOf(spokes, account, region) : undefined;
  if (!spoke) {
    const known = ['"own"', ...spokes.map((candidate) => JSON.stringify({ account: candidate.account, region: candidate.region }))].join(', ');
    throw new Error(`The report event's stack ${JSON.stringify(stack)} is not a stack this hub covers; allowed: ${known}`);
  }
  return { kind: 'spoke', spoke };
}
