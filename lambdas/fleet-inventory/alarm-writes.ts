import { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AlarmWriteOperation } from '../../contract/agent-metrics';
import { agentAlarm, agentAlarmName, type AgentAlarmSettings } from '../shared/agent-alarm';
import { classifyFailure, describeFailure } from '../shared/aws-errors';
import { logger } from '../shared/powertools';
import type { Deadline } from '../shared/run-deadline';
import { errorName } from '../shared/sdk';
import { delay, TokenBucket } from '../shared/token-bucket';

/** CloudWatch's DeleteAlarms quota per account and Region (not adjustable), and the API's batch size. */
export const DELETE_ALARMS_PER_SECOND = 3;
export const ALARM_NAMES_PER_DELETE = 100;
/** PutMetricAlarm calls in flight at once: enough that a slow call never holds the pace back. */
const CREATE_WORKERS = 4;
/** After this many refusals in a row an operation stops for the run: each further call would be refused too. */
export const REFUSALS_BEFORE_STOP = 5;
/** A write that failed for now waits this long before the same worker writes again. */
const PAUSE_AFTER_RETRY_LATER_MS = 1000;

/** What one run did with one kind of write. */
export interface WriteTally {
  /** Nodes whose alarm was written (or deleted). */
  done: number;
  /** Attempts that failed in a way time can fix (throttled beyond the SDK's retries, 5xx, out of time); tried again while the run lasts. */
  deferred: number;
  /** Nodes whose write AWS refused (denied, invalid). */
  refused: number;
  /** Why the operation stopped before its work was done. */
  stopped?: 'deadline' | 'refusals';
}

/**
 * Node IDs waiting for one kind of alarm write. The run adds to it while it learns about the fleet
 * and closes it when it knows everything; writers take from it meanwhile. An ID is only handed out
 * while `stillWanted` says so (a node may leave while it waits).
 */
export class WorkQueue {
  private readonly items: string[] = [];
  private readonly queued = new Set<string>();
  private position = 0;
  private open = true;
  private waiting: (() => void)[] = [];

  constructor(private readonly stillWanted: (id: string) => boolean) {}

  /** Queues an ID again, behind the others: a write that failed for now is tried again while the run has time. */
  retry(id: string): void {
    this.items.push(id);
    this.wake();
  }

  add(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.queued.has(id)) continue;
      this.queued.add(id);
      this.items.push(id);
    }
    this.wake();
  }

  /** No more IDs come: writers finish what is queued, then stop. */
  close(): void {
    this.open = false;
    this.wake();
  }

  /** Up to `max` IDs; waits while the queue is empty but open; empty when closed and done. */
  async take(max: number): Promise<string[]> {
    for (;;) {
      const taken: string[] = [];
      while (this.position < this.items.length && taken.length < max) {
        const id = this.items[this.position++]!;
        if (this.stillWanted(id)) taken.push(id);
      }
      if (taken.length > 0 || !this.open) return taken;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** IDs queued and not handed out yet. */
  get left(): number {
    return this.items.length - this.position;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

export interface AlarmWriteOptions {
  settings: AgentAlarmSettings;
  /** PutMetricAlarm calls per second (the account's quota, or less). */
  putsPerSecond: number;
  /** Pacing of DescribeAlarms, shared with the rest of the run. */
  describePace: TokenBucket;
  /** No write starts after it; its signal cancels those in flight. */
  deadline: Deadline;
  onWritten: (instanceId: string) => void;
  onDeleted: (instanceIds: readonly string[]) => void;
}

/**
 * Writes the alarms queued in `create` and deletes those queued in `remove`, each at its quota and
 * each on its own: a delete that is refused never holds up a create, nor the reverse. Nothing is
 * thrown for a write that fails: the node stays in the registry's work for a later run and is counted,
 * as `deferred` when retrying later can succeed, as `refused` when only a person can fix it.
 * Resolves once both queues are closed and drained, the deadline has passed, or AWS keeps refusing.
 */
export async function writeAlarms(
  cloudwatch: CloudWatchClient,
  queues: { create: WorkQueue; delete: WorkQueue },
  options: AlarmWriteOptions,
): Promise<Record<AlarmWriteOperation, WriteTally>> {
  const [creates, deletes] = await Promise.all([createAlarms(cloudwatch, queues.create, options), deleteAlarms(cloudwatch, queues.delete, options)]);
  return { PutMetricAlarm: creates, DeleteAlarms: deletes };
}

async function createAlarms(cloudwatch: CloudWatchClient, queue: WorkQueue, options: AlarmWriteOptions): Promise<WriteTally> {
  const tally: WriteTally = { done: 0, deferred: 0, refused: 0 };
  const pace = new TokenBucket(options.putsPerSecond);
  let refusalsInARow = 0;

  const worker = async () => {
    while (!tally.stopped) {
      const [id] = await queue.take(1);
      if (id === undefined || tally.stopped) return;
      if (!(await pace.take(options.deadline.at)) || options.deadline.passed) {
        tally.stopped ??= 'deadline';
        return;
      }
      try {
        await cloudwatch.send(new PutMetricAlarmCommand(agentAlarm(id, options.settings)), { abortSignal: options.deadline.signal });
        tally.done += 1;
        refusalsInARow = 0;
        options.onWritten(id);
      } catch (error) {
        if (classifyFailure(error) === 'retry-later') {
          tally.deferred += 1;
          queue.retry(id);
          if (!options.deadline.passed) await delay(Math.min(PAUSE_AFTER_RETRY_LATER_MS, options.deadline.remainingMs()));
          continue;
        }
        tally.refused += 1;
        refusalsInARow += 1;
        logger.error('PutMetricAlarm refused; the alarm is written again by a later run', { instanceId: id, ...describeFailure(error) });
        if (refusalsInARow >= REFUSALS_BEFORE_STOP && !tally.stopped) {
          tally.stopped = 'refusals';
          logger.error(`PutMetricAlarm refused ${REFUSALS_BEFORE_STOP} times in a row; no more alarms are written in this run`, describeFailure(error));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CREATE_WORKERS }, worker));
  return tally;
}

async function deleteAlarms(cloudwatch: CloudWatchClient, queue: WorkQueue, options: AlarmWriteOptions): Promise<WriteTally> {
  const tally: WriteTally = { done: 0, deferred: 0, refused: 0 };
  const pace = new TokenBucket(DELETE_ALARMS_PER_SECOND);
  const signal = { abortSignal: options.deadline.signal };
  let refusalsInARow = 0;

  const deleteNames = async (names: string[]) => {
    if (!(await pace.take(options.deadline.at))) return false;
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: names }), signal);
    return true;
  };

  while (!tally.stopped) {
    const batch = await queue.take(ALARM_NAMES_PER_DELETE);
    if (batch.length === 0) break;
    const names = batch.map((id) => agentAlarmName(id, options.settings));
    try {
      let deleted: boolean;
      try {
        deleted = await deleteNames(names);
      } catch (error) {
        // "If you specify an incorrect alarm name ... no alarms are deleted": when one of the alarms is
        // already gone, find those that remain and delete only them.
        if (errorName(error) !== 'ResourceNotFound' && errorName(error) !== 'ResourceNotFoundException') throw error;
        if (!(await options.describePace.take(options.deadline.at))) {
          deleted = false;
        } else {
          const described = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm'] }), signal);
          const remaining = (described.MetricAlarms ?? []).map((alarm) => alarm.AlarmName!).filter((name) => names.includes(name));
          deleted = remaining.length === 0 ? true : await deleteNames(remaining);
        }
      }
      if (!deleted) {
        tally.stopped = 'deadline';
        break;
      }
      tally.done += batch.length;
      refusalsInARow = 0;
      options.onDeleted(batch);
    } catch (error) {
      if (classifyFailure(error) === 'retry-later') {
        tally.deferred += batch.length;
        for (const id of batch) queue.retry(id);
        if (options.deadline.passed) {
          tally.stopped = 'deadline';
          break;
        }
        await delay(Math.min(PAUSE_AFTER_RETRY_LATER_MS, options.deadline.remainingMs()));
        continue;
      }
      tally.refused += batch.length;
      refusalsInARow += 1;
      logger.error('DeleteAlarms refused; the alarms are deleted by a later run', { alarms: batch.length, first: names[0], ...describeFailure(error) });
      if (refusalsInARow >= REFUSALS_BEFORE_STOP) {
        tally.stopped = 'refusals';
        logger.error(`DeleteAlarms refused ${REFUSALS_BEFORE_STOP} times in a row; no more alarms are deleted in this run`, describeFailure(error));
      }
    }
  }
  return tally;
}
