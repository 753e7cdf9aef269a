import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  ListCommandInvocationsCommand,
  type AssociationExecution,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { UnlinkedReason } from '../shared/mail/catalogue';
import { FAILURE_STATUSES } from '../../contract/events';
import { classifyAwsFailure } from '../shared/aws-errors';
import { logger } from '../shared/powertools';
import { errorName } from '../shared/sdk';

/**
 * Links one node's failed State Manager association run to the Run Command command that State Manager
 * ran for it, so that the association event and the Run Command event of the same run share one mail.
 *
 * The link decides which mail an event belongs to, so it is never guessed: a lookup that fails for a
 * reason that may pass (throttling, a 5xx answer, a network failure, after the SDK's own retries) or
 * that nothing here expects throws `RunLinkUnknown`, and the invocation fails so that Lambda retries
 * it and, if it keeps failing, dead-letters it. Only a definite answer (the association or its run is
 * gone, no run matches, IAM denies the lookup) ends in `unlinked`, with the reason for the mail.
 */

/** Why a node's association run could not be linked to its command. */

export type RunLink = { kind: 'linked'; commandId: string } | { kind: 'unlinked'; reason: UnlinkedReason };

/** The link cannot be known yet: the invocation must fail, so that Lambda retries it later. */
export class RunLinkUnknown extends Error {
  constructor(operation: string, cause: unknown) {
    super(`${operation} failed (${errorName(cause)}); the run cannot be linked to its command until it answers`, { cause });
    this.name = 'RunLinkUnknown';
  }
}

/** One node's part of an association run, as its State Manager event reports it. */
export interface NodeAssociationRun {
  associationId: string;
  instanceId: string;
  documentName: string;
  /** The event's `last-execution-date`: when the node's run started, to the second. */
  executedAt: Date;
}

/**
 * How far back from the node's execution date to look for the association run it belongs to. A run
 * paced by MaxConcurrency reaches its last nodes later than its first; State Manager's own timeout
 * for a run on a node is far shorter than this.
 */
const RUN_LOOKBACK_MS = 2 * 60 * 60 * 1000;
/** The event's date is cut to the second, the run's creation is not: allow for the difference. */
const CLOCK_SLACK_MS = 60 * 1000;
/** Runs to inspect, newest first, before concluding that none of them ran on the node. */
const MAX_RUNS_INSPECTED = 3;
/** Window around the execution date in which the node's command must have been requested. */
const INVOCATION_WINDOW = { beforeMs: 60 * 1000, afterMs: 10 * 60 * 1000 };
const FAILED_INVOCATION_STATUSES = new Set<string>([...FAILURE_STATUSES, 'Cancelling']);

/**
 * The command of one node's association run. First through the association's runs and their targets,
 * which name the command exactly; when those cannot tell (denied, gone, no match), through the node's
 * failed invocations of the same document around the execution date, taken only when exactly one fits.
 */
export async function linkAssociationRun(ssm: SSMClient, run: NodeAssociationRun): Promise<RunLink> {
  const byExecutions = await linkThroughExecutions(ssm, run);
  if (byExecutions.kind === 'linked' || byExecutions.reason === 'no-command') return byExecutions;
  const commandId = await findOnlyFailedInvocation(ssm, run);
  if (commandId) {
    logger.info('Linked the association run to its command through the node’s invocations', { ...describe(run), reason: byExecutions.reason, commandId });
    return { kind: 'linked', commandId };
  }
  logger.warn('Could not link the association run to a command', { ...describe(run), reason: byExecutions.reason });
  return byExecutions;
}

async function linkThroughExecutions(ssm: SSMClient, run: NodeAssociationRun): Promise<RunLink> {
  const { associationId, instanceId, executedAt } = run;
  const listed = await definite('DescribeAssociationExecutions', () =>
    ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: associationId,
        Filters: [{ Key: 'CreatedTime', Type: 'GREATER_THAN', Value: new Date(executedAt.getTime() - RUN_LOOKBACK_MS).toISOString() }],
        MaxResults: 50,
      }),
    ),
  );
  if (listed.kind === 'unlinked') return listed;

  const latest = executedAt.getTime() + CLOCK_SLACK_MS;
  const candidates = (listed.value.AssociationExecutions ?? [])
    .filter((execution): execution is AssociationExecution & { ExecutionId: string; CreatedTime: Date } => !!execution.ExecutionId && !!execution.CreatedTime)
    .filter((execution) => execution.CreatedTime.getTime() <= latest)
    .sort((a, b) => b.CreatedTime.getTime() - a.CreatedTime.getTime())
    .slice(0, MAX_RUNS_INSPECTED);

  for (const execution of candidates) {
    const targets = await definite('DescribeAssociationExecutionTargets', () =>
      ssm.send(
        new DescribeAssociationExecutionTargetsCommand({
          AssociationId: associationId,
          ExecutionId: execution.ExecutionId,
          Filters: [{ Key: 'ResourceId', Value: instanceId }],
        }),
      ),
    );
    if (targets.kind === 'unlinked') {
      if (targets.reason === 'no-matching-run') continue;
      return targets;
    }
    const target = targets.value.AssociationExecutionTargets?.find((candidate) => candidate.ResourceId === instanceId);
    if (!target) continue;
    const command = target.OutputSource?.OutputSourceType === 'RunCommand' ? target.OutputSource.OutputSourceId : undefined;
    return command ? { kind: 'linked', commandId: command } : { kind: 'unlinked', reason: 'no-command' };
  }
  return { kind: 'unlinked', reason: 'no-matching-run' };
}

/** The node's one failed invocation of the document around the execution date; undefined when none or several. */
async function findOnlyFailedInvocation(ssm: SSMClient, run: NodeAssociationRun): Promise<string | undefined> {
  const at = run.executedAt.getTime();
  const listed = await definite('ListCommandInvocations', () =>
    ssm.send(
      new ListCommandInvocationsCommand({
        InstanceId: run.instanceId,
        Filters: [
          { key: 'DocumentName', value: run.documentName },
          { key: 'InvokedAfter', value: new Date(at - INVOCATION_WINDOW.beforeMs).toISOString() },
          { key: 'InvokedBefore', value: new Date(at + INVOCATION_WINDOW.afterMs).toISOString() },
        ],
        MaxResults: 50,
      }),
    ),
  );
  if (listed.kind === 'unlinked') return undefined;
  const failed = (listed.value.CommandInvocations ?? []).filter(
    (invocation) => invocation.InstanceId === run.instanceId && invocation.DocumentName === run.documentName && FAILED_INVOCATION_STATUSES.has(invocation.Status ?? ''),
  );
  const commands = new Set(failed.map((invocation) => invocation.CommandId).filter((id): id is string => !!id));
  return commands.size === 1 ? [...commands][0] : undefined;
}

const GONE = new Set(['AssociationDoesNotExist']);
const NO_SUCH_RUN = new Set(['AssociationExecutionDoesNotExist']);

/**
 * The call's answer, or the definite reason it has none; throws `RunLinkUnknown` when the failure says
 * nothing definite about the run.
 */
async function definite<T>(operation: string, call: () => Promise<T>): Promise<{ kind: 'answer'; value: T } | { kind: 'unlinked'; reason: UnlinkedReason }> {
  try {
    return { kind: 'answer', value: await call() };
  } catch (error) {
    const failure = classifyAwsFailure(error);
    if (failure === 'denied') return { kind: 'unlinked', reason: 'denied' };
    if (failure === 'other' && GONE.has(errorName(error))) return { kind: 'unlinked', reason: 'association-gone' };
    if (failure === 'other' && NO_SUCH_RUN.has(errorName(error))) return { kind: 'unlinked', reason: 'no-matching-run' };
    throw new RunLinkUnknown(operation, error);
  }
}

function describe(run: NodeAssociationRun) {
  return { associationId: run.associationId, instanceId: run.instanceId, executedAt: run.executedAt.toISOString() };
}
