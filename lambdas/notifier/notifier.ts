import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'aws-lambda';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { PACKAGE_DOCUMENT } from '../../contract/ssm-documents';
import { logger } from '../shared/powertools';
import { errorName } from '../shared/sdk';
import { renderAgentAlarmMail } from './agent-alarm-mail';
import { renderAgentDigestMail, renderInstanceStoppedMail, renderUnmanagedInstanceMail } from './agent-health-mail';
import { isCurrent, isStoppedState, noteId, type TransitionNote } from '../shared/transition-notes';
import type { NoteReader } from './note-reader';
import { renderAssociationRunMail } from './association-run-mail';
import {
  parseNotifierEvent,
  type AgentAlarmEvent,
  type AssociationFailureEvent,
  type AssociationRunEvent,
  type CommandFailureEvent,
  type EventExpectations,
} from './events';
import { renderFailureMail, type FailureReport } from './failure-mail';
import { readAssociationExecution, readInstanceName, readNodeDetails, readPackageName, readStepOutput } from './lookups';
import type { Mail, MailSettings } from '../shared/mail/mail';
import { publishAlert, type AlertDestination } from '../shared/mail/publish';
import { renderRejectedEventMail } from './rejected-mail';
import type { UnlinkedReason } from '../shared/mail/catalogue';
import { linkAssociationRun } from './run-link';
import type { LookupAccess } from './spoke-access';
import { spokeOf, type Spoke } from '../../contract/spokes';

/** What the notifier needs from the outside world; the handler wires real clients, tests mocks. */
export interface NotifierDependencies {
  ssm: SSMClient;
  tagging: ResourceGroupsTaggingAPIClient;
  sns: SNSClient;
  persistenceStore: BasePersistenceLayer;
  /** The agent watch's mail decisions. */
  notes: NoteReader;
  /** The account's display name, or undefined when it cannot be read (mails then show the ID). */
  accountDisplayName: () => Promise<string | undefined>;
  settings: NotifierSettings;
  /** How the waits of an invocation are paced; tests shorten them. */
  timing?: Partial<NotifierTiming>;
  /**
   * Where the lookups of an event's account and Region run (see spoke-access.ts); the clients above
   * for every event when absent, as in a stack that is nobody's hub.
   */
  lookupsFor?: (account: string | undefined, region: string | undefined) => Promise<LookupAccess>;
}

export interface NotifierSettings extends MailSettings, EventExpectations, AlertDestination {
  /** A hub's spokes: their events are parsed with their own alarm prefix and statuses. */
  spokes?: readonly Spoke[];
}

/** The waits of an invocation, all bounded by the time Lambda leaves it. */
export interface NotifierTiming {
  /** While another invocation mails the same run, how often to check whether it has finished. */
  twinPollMs: number;
  /** Time kept back from that wait, to mail the run ourselves if the other invocation gives up. */
  twinReserveMs: number;
  /** First pause before recording a published mail again; it doubles, up to eight times as long. */
  recordAgainPauseMs: number;
  /** Time kept back at the very end, to return before Lambda's timeout stops the invocation. */
  finishMs: number;
}

const TIMING: NotifierTiming = { twinPollMs: 1000, twinReserveMs: 10_000, recordAgainPauseMs: 1000, finishMs: 2000 };

/**
 * What one mail is about. One failed run on one node, whichever event reports it: the Run Command
 * event and the State Manager event of the same run resolve to the same command ID and instance, so
 * they share one idempotency record (a node's association run that cannot be linked to its command is
 * keyed on itself). One run of an association as a whole. One alarm transition. One event that could
 * not be handled.
 */
type MailKey =
  | { commandId: string; instanceId: string }
  | { associationId: string; instanceId: string; executedAt: string }
  | { associationRun: string; executedAt: string }
  | { agentAlarm: string; state: string; since: string }
  | { agentDigest: string }
  | { unmanagedInstances: string }
  | { rejectedEvent: string };

/** How far the watch's clock may run ahead of CloudWatch's when judging whether a note came before its alarm change. */
const NOTE_CLOCK_SKEW_MS = 60_000;

/** How long a sent mail is remembered: longer than EventBridge and Lambda keep retrying an event. */
const REMEMBER_SENT_MAILS_SECONDS = 24 * 60 * 60;

/** Filled in when SNS has accepted the mail, so that a failure after it is known to come after it. */
interface Receipt {
  published?: true;
  messageId?: string;
}

/** The notifier's handler, bound to its dependencies. */
export function createNotifier(dependencies: NotifierDependencies) {
  const { settings } = dependencies;
  const timing: NotifierTiming = { ...TIMING, ...dependencies.timing };
  const idempotencyConfig = new IdempotencyConfig({ expiresAfterSeconds: REMEMBER_SENT_MAILS_SECONDS });
  // Publishing is the last thing the idempotent function does, so that Powertools records the mail as
  // sent right after SNS accepted it; the README lists the few ways a mail can still go out twice.
  const mailOnce = makeIdempotent(
    async (_key: MailKey, compose: () => Promise<Mail>, receipt: Receipt) => {
      const mail = await compose();
      receipt.messageId = await publish(mail);
      receipt.published = true;
      return { messageId: receipt.messageId };
    },
    { persistenceStore: dependencies.persistenceStore, config: idempotencyConfig, dataIndexArgument: 0 },
  );

  const ownLookups: LookupAccess = {
    kind: 'ready',
    clients: { ssm: dependencies.ssm, tagging: dependencies.tagging, accountDisplayName: dependencies.accountDisplayName, notes: dependencies.notes },
  };
  const lookupsFor = dependencies.lookupsFor ?? (async () => ownLookups);

  /**
   * The display name of the account an event names, for a mail that reads nothing else there: a
   * spoke's event names the spoke's account, never the hub's name. Undefined (the mail shows the ID)
   * when it cannot be read, since such a mail must go out whatever STS answers.
   */
  async function displayNameOf(account: string | undefined, region: string | undefined): Promise<string | undefined> {
    try {
      const access = await lookupsFor(account, region);
      return access.kind === 'ready' ? await access.clients.accountDisplayName() : undefined;
    } catch (error) {
      logger.warn('Could not reach the event’s account for its display name; the mail shows the ID', { account, error: errorName(error) });
      return undefined;
    }
  }

  /** A spoke's events are its own agent alarms and the statuses it watches. */
  function expectationsFor(event: unknown): EventExpectations {
    const envelope = (event ?? {}) as { account?: unknown; region?: unknown };
    const spoke = spokeOf(settings.spokes, String(envelope.account), String(envelope.region));
    return spoke ? { agentAlarmPrefix: spoke.agentAlarmPrefix, watchedStatuses: spoke.watchedStatuses } : settings;
  }

  const publish = async (mail: Mail) => (await publishAlert(dependencies.sns, settings, mail)).messageId;

  /**
   * Mails `key` once. When another invocation is mailing the same key right now (the other event of
   * the same run, or the same event delivered twice), waits for it for as long as this invocation has
   * time, since it either finishes (nothing more to send) or fails and lets go of the key (then this
   * one mails). Out of time, it fails, and Lambda's retry finds the key settled either way.
   */
  async function mailOnceWaitingForTwin(key: MailKey, compose: () => Promise<Mail>, context: Context): Promise<void> {
    for (;;) {
      const receipt: Receipt = {};
      try {
        await mailOnce(key, compose, receipt);
        return;
      } catch (error) {
        if (receipt.published) return recordPublishedMail(key, receipt, error, context);
        if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
        const remainingMs = context.getRemainingTimeInMillis();
        if (remainingMs < timing.twinReserveMs + timing.twinPollMs) {
          logger.warn('The same run is still being mailed by another invocation; failing so that Lambda retries', { key, remainingMs });
          throw error;
        }
        logger.info('The same run is being mailed by another invocation; waiting for it', { key, remainingMs });
        await sleep(timing.twinPollMs);
      }
    }
  }

  /**
   * SNS accepted the mail but Powertools could not record it as sent (DynamoDB failing after the SDK's
   * retries). Failing now would make Lambda retry the event a minute later, after the record's
   * in-progress expiry (this invocation's deadline), and mail it again. So keep trying to record it
   * for as long as this invocation lives, and then succeed whatever happened: only an event of the
   * same run that arrives after this invocation's deadline can still mail it again.
   */
  async function recordPublishedMail(key: MailKey, receipt: Receipt, error: unknown, context: Context): Promise<void> {
    let pauseMs = timing.recordAgainPauseMs;
    while (context.getRemainingTimeInMillis() > pauseMs + timing.finishMs) {
      await sleep(pauseMs);
      pauseMs = Math.min(pauseMs * 2, timing.recordAgainPauseMs * 8);
      try {
        await dependencies.persistenceStore.saveSuccess(key, { messageId: receipt.messageId });
        logger.warn('Mail published; recording it as sent needed another attempt', { key, messageId: receipt.messageId, error: errorName(error) });
        return;
      } catch (again) {
        error = again;
      }
    }
    logger.error('Mail published, but it could not be recorded as sent: an event of the same run arriving after this invocation ends would mail it again', {
      key,
      messageId: receipt.messageId,
      error: errorName(error),
      cause: errorName((error as { cause?: unknown }).cause),
    });
  }

  return async function handler(event: unknown, context: Context): Promise<void> {
    logger.addContext(context);
    idempotencyConfig.registerLambdaContext(context);
    const parsed = parseNotifierEvent(event, expectationsFor(event));

    switch (parsed.kind) {
      case 'rejected': {
        logger.error('Event rejected: mailing it once instead of retrying', { problems: parsed.problems, eventId: parsed.eventId });
        const accountId = parsed.account ?? accountOfFunction(context);
        const key = { rejectedEvent: parsed.eventId ?? digest(event) };
        await mailOnceWaitingForTwin(
          key,
          async () =>
            renderRejectedEventMail(
              { rejected: parsed, rawEvent: event, accountId, accountDisplayName: await displayNameOf(parsed.account, parsed.region), receivedAt: new Date() },
              settings,
            ),
          context,
        );
        return;
      }
      case 'nothing-to-mail':
        logger.info('Event needs no mail', { eventId: parsed.eventId, reason: parsed.reason });
        return;
      case 'agent-alarm': {
        logger.info('Event received', { kind: parsed.kind, eventId: parsed.eventId, instanceId: parsed.instanceId });
        const access = await lookupsFor(parsed.account, parsed.region);
        const note = await noteOf(parsed, access);
        if (note && note.decision !== 'single') {
          logger.info('Agent alarm needs no mail of its own', { instanceId: parsed.instanceId, state: parsed.state, decision: note.decision, digestId: note.digestId });
          return;
        }
        const key = { agentAlarm: parsed.alarmName, state: parsed.state, since: parsed.since.toISOString() };
        if (parsed.state === 'OK' && note && isStoppedState(note.state)) {
          await mailOnceWaitingForTwin(key, async () => renderInstanceStoppedMail(await gatherStoppedReport(parsed, note, access), settings), context);
          return;
        }
        await mailOnceWaitingForTwin(key, async () => renderAgentAlarmMail(await gatherAlarmReport(parsed, access), settings), context);
        return;
      }
      case 'agent-digest':
      case 'unmanaged-instance': {
        // The sender made the event's ID the mail's key: a digest or a missing-instance batch is mailed once.
        logger.info('Event received', { kind: parsed.kind, eventId: parsed.eventId });
        const key = parsed.kind === 'agent-digest' ? { agentDigest: parsed.eventId } : { unmanagedInstances: parsed.eventId };
        await mailOnceWaitingForTwin(
          key,
          async () => {
            const origin = { accountId: parsed.account, accountDisplayName: await displayNameOf(parsed.account, parsed.region), region: parsed.region };
            return parsed.kind === 'agent-digest' ? renderAgentDigestMail({ ...origin, digest: parsed.detail }, settings) : renderUnmanagedInstanceMail({ ...origin, change: parsed.detail }, settings);
          },
          context,
        );
        return;
      }
      case 'association-run': {
        logger.info('Event received', { kind: parsed.kind, eventId: parsed.eventId, associationId: parsed.associationId, status: parsed.status });
        // Every event of one run carries the run's start: the key needs no lookup that could fail. An
        // event without it can only be recognised when it is delivered again.
        const key = { associationRun: parsed.associationId, executedAt: parsed.lastExecutionAt?.toISOString() ?? `event ${parsed.eventId}` };
        const access = await lookupsFor(parsed.account, parsed.region);
        await mailOnceWaitingForTwin(key, async () => renderAssociationRunMail(await gatherAssociationRunReport(parsed, access), settings), context);
        return;
      }
      default: {
        logger.info('Event received', { kind: parsed.kind, eventId: parsed.eventId, instanceId: parsed.instanceId });
        const access = await lookupsFor(parsed.account, parsed.region);
        const run = await identifyRun(parsed, access);
        await mailOnceWaitingForTwin(run.key, async () => renderFailureMail(await gatherFailureReport(parsed, run, access), settings), context);
      }
    }
  };

  /**
   * The watch's decision for this alarm change: the node's note of the change's direction, if it is
   * current (newer than the note of the other direction) and was decided before the alarm moved. No
   * note (an alarm moved by something else, or by an earlier version) means one mail, as always. A
   * read that fails fails the invocation, so that Lambda retries it: guessing could mail every node
   * of a storm one by one. A spoke whose read role refuses the notifier has no notes to give: its
   * alarm is mailed as it always was, like every other lookup that is denied for good.
   */
  async function noteOf(event: AgentAlarmEvent, access: LookupAccess): Promise<TransitionNote | undefined> {
    if (access.kind !== 'ready') return undefined;
    const { notes } = await access.clients.notes.read([event.instanceId]);
    const [mine, other] = event.state === 'ALARM' ? (['lost', 'back'] as const) : (['back', 'lost'] as const);
    const note = notes.get(noteId(event.instanceId, mine));
    if (!isCurrent(note, notes.get(noteId(event.instanceId, other)))) return undefined;
    // The alarm moves after the watch published the value it decided on; allow for clock skew.
    return Date.parse(note.decidedAt) <= event.since.getTime() + NOTE_CLOCK_SKEW_MS ? note : undefined;
  }

  async function gatherStoppedReport(event: AgentAlarmEvent, note: TransitionNote, access: LookupAccess) {
    const clients = access.kind === 'ready' ? access.clients : undefined;
    const [accountDisplayName, instanceName] = await Promise.all([
      clients?.accountDisplayName(),
      note.name ?? (clients && readInstanceName(clients.tagging, { instanceId: event.instanceId, account: event.account, region: event.region })),
    ]);
    return {
      accountId: event.account,
      accountDisplayName,
      region: event.region,
      instanceId: event.instanceId,
      instanceName,
      state: note.state,
      platform: note.platform,
      lastPingAt: note.lastPingAt ? new Date(note.lastPingAt) : undefined,
      since: event.since,
      lostSince: event.previousState === 'ALARM' ? event.previousSince : undefined,
    };
  }

  async function gatherAlarmReport(event: AgentAlarmEvent, access: LookupAccess) {
    const clients = access.kind === 'ready' ? access.clients : undefined;
    const [accountDisplayName, instanceName, node] = await Promise.all([
      clients?.accountDisplayName(),
      clients && readInstanceName(clients.tagging, { instanceId: event.instanceId, account: event.account, region: event.region }),
      clients && readNodeDetails(clients.ssm, event.instanceId),
    ]);
    return {
      state: event.state,
      accountId: event.account,
      accountDisplayName,
      region: event.region,
      instanceId: event.instanceId,
      instanceName,
      since: event.since,
      lostSince: event.previousState === 'ALARM' ? event.previousSince : undefined,
      node,
    };
  }

  async function gatherAssociationRunReport(event: AssociationRunEvent, access: LookupAccess) {
    const clients = access.kind === 'ready' ? access.clients : undefined;
    const [accountDisplayName, execution] = await Promise.all([
      clients?.accountDisplayName(),
      clients && event.lastExecutionAt ? readAssociationExecution(clients.ssm, event.associationId, event.lastExecutionAt) : Promise.resolve(undefined),
    ]);
    return {
      accountId: event.account,
      accountDisplayName,
      region: event.region,
      associationId: event.associationId,
      associationName: event.associationName,
      associationVersion: event.associationVersion,
      documentName: event.documentName,
      status: event.status,
      reachedNoNode: event.reachedNoNode,
      nodeCounts: execution?.nodeCounts ?? event.nodeCounts,
      targets: event.targets,
      scheduleExpression: event.scheduleExpression,
      executedAt: event.lastExecutionAt,
      occurredAt: event.occurredAt,
      executionId: execution?.executionId,
      detailedStatus: execution?.detailedStatus,
    };
  }

  /**
   * The run an event reports, as its mail key. A node's association run is looked up to find its
   * command; a lookup that cannot answer now throws, failing the invocation so that Lambda retries it,
   * rather than keying the mail on something else and mailing the run twice.
   */
  async function identifyRun(event: CommandFailureEvent | AssociationFailureEvent, access: LookupAccess): Promise<IdentifiedRun> {
    const { instanceId } = event;
    if (event.kind === 'command-failure') return { commandId: event.commandId, key: { commandId: event.commandId, instanceId } };
    const executedAt = event.lastExecutionAt ?? event.occurredAt;
    // A spoke that refuses the read role is a definite answer, like a denied lookup.
    const link =
      access.kind === 'ready'
        ? await linkAssociationRun(access.clients.ssm, { associationId: event.associationId, instanceId, documentName: event.documentName, executedAt })
        : ({ kind: 'unlinked', reason: 'denied' } as const);
    if (link.kind === 'linked') return { commandId: link.commandId, key: { commandId: link.commandId, instanceId } };
    return { unlinked: link.reason, key: { associationId: event.associationId, instanceId, executedAt: executedAt.toISOString() } };
  }

  async function gatherFailureReport(event: CommandFailureEvent | AssociationFailureEvent, run: IdentifiedRun, access: LookupAccess): Promise<FailureReport> {
    const { commandId } = run;
    const clients = access.kind === 'ready' ? access.clients : undefined;
    const noOutput = { kind: 'unavailable', reason: clients ? 'no-command' : 'denied' } as const;
    const [accountDisplayName, instanceName, output, packageName] = await Promise.all([
      clients?.accountDisplayName(),
      clients && readInstanceName(clients.tagging, { instanceId: event.instanceId, account: event.account, region: event.region }),
      clients && commandId ? readStepOutput(clients.ssm, commandId, event.instanceId) : Promise.resolve(noOutput),
      clients && commandId && event.documentName === PACKAGE_DOCUMENT ? readPackageName(clients.ssm, commandId) : Promise.resolve(undefined),
    ]);
    const common = {
      accountId: event.account,
      accountDisplayName,
      region: event.region,
      instanceId: event.instanceId,
      instanceName,
      documentName: event.documentName,
      packageName,
      status: event.status,
      occurredAt: event.occurredAt,
      commandId,
      output,
    };
    if (event.kind === 'command-failure') return { source: 'command', ...common };
    return {
      source: 'association',
      ...common,
      associationId: event.associationId,
      executedAt: event.lastExecutionAt,
      unlinked: run.unlinked,
      executionSummary: event.executionSummary,
      errorCode: event.errorCode,
    };
  }
}

/** The run a failure event reports: its command when known, and the key its mail is sent under. */
interface IdentifiedRun {
  commandId?: string;
  unlinked?: UnlinkedReason;
  key: MailKey;
}

function accountOfFunction(context: Context): string {
  return context.invokedFunctionArn.split(':')[4] ?? 'unknown';
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value) ?? String(value)).digest('hex');
}
