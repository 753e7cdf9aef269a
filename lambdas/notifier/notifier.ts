import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'aws-lambda';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { PACKAGE_DOCUMENT } from '../../contract/ssm-documents';
import { logger } from '../shared/powertools';
import { renderAgentAlarmMail } from './agent-alarm-mail';
import { parseNotifierEvent, type AgentAlarmEvent, type EventExpectations, type NotifierEvent } from './events';
import { renderFailureMail, type FailureReport } from './failure-mail';
import { findAssociationCommand, readInstanceName, readNodeDetails, readPackageName, readStepOutput } from './lookups';
import type { Mail, MailSettings } from './mail';
import { publishAlert, type AlertDestination } from './publish';
import { renderRejectedEventMail } from './rejected-mail';

/** What the notifier needs from the outside world; the handler wires real clients, tests mocks. */
export interface NotifierDependencies {
  ssm: SSMClient;
  ec2: EC2Client;
  sns: SNSClient;
  persistenceStore: BasePersistenceLayer;
  /** The account's display name, or undefined when it cannot be read (mails then show the ID). */
  accountDisplayName: () => Promise<string | undefined>;
  settings: NotifierSettings;
}

export interface NotifierSettings extends MailSettings, EventExpectations, AlertDestination {}

/**
 * What one mail is about. One failed run, whichever event reports it: the Run Command event and the
 * State Manager event of the same run resolve to the same command ID and instance, so they share one
 * idempotency record. One alarm transition. One event that could not be handled.
 */
type MailKey =
  | { commandId: string; instanceId: string }
  | { associationId: string; instanceId: string; executedAt: string }
  | { agentAlarm: string; state: string; since: string }
  | { rejectedEvent: string };

/** How long a sent mail is remembered: longer than EventBridge and Lambda keep retrying an event. */
const REMEMBER_SENT_MAILS_SECONDS = 24 * 60 * 60;
/** When the other event of the same run is being mailed right now, wait for it rather than fail. */
const IN_PROGRESS_WAITS = 5;
const IN_PROGRESS_WAIT_MS = 3000;

/** The notifier's handler, bound to its dependencies. */
export function createNotifier(dependencies: NotifierDependencies) {
  const { settings } = dependencies;
  const idempotencyConfig = new IdempotencyConfig({ expiresAfterSeconds: REMEMBER_SENT_MAILS_SECONDS });
  const mailOnce = makeIdempotent(async (_key: MailKey, compose: () => Promise<Mail>) => publish(await compose()), {
    persistenceStore: dependencies.persistenceStore,
    config: idempotencyConfig,
    dataIndexArgument: 0,
  });

  const publish = (mail: Mail) => publishAlert(dependencies.sns, settings, mail);

  async function mailOnceWaitingForTwin(key: MailKey, compose: () => Promise<Mail>) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await mailOnce(key, compose);
      } catch (error) {
        if (!(error instanceof IdempotencyAlreadyInProgressError) || attempt >= IN_PROGRESS_WAITS) throw error;
        logger.info('The same run is being mailed by another invocation; waiting for it', { key });
        await sleep(IN_PROGRESS_WAIT_MS);
      }
    }
  }

  return async function handler(event: unknown, context: Context): Promise<void> {
    logger.addContext(context);
    idempotencyConfig.registerLambdaContext(context);
    const parsed = parseNotifierEvent(event, settings);

    if (parsed.kind === 'rejected') {
      logger.error('Event rejected: mailing it once instead of retrying', { problems: parsed.problems, eventId: parsed.eventId });
      const accountId = parsed.account ?? accountOfFunction(context);
      await mailOnceWaitingForTwin({ rejectedEvent: parsed.eventId ?? digest(event) }, async () =>
        renderRejectedEventMail(
          { rejected: parsed, rawEvent: event, accountId, accountDisplayName: await dependencies.accountDisplayName(), receivedAt: new Date() },
          settings,
        ),
      );
      return;
    }

    logger.info('Event received', { kind: parsed.kind, eventId: parsed.eventId, instanceId: parsed.instanceId });
    if (parsed.kind === 'agent-alarm') {
      const key = { agentAlarm: parsed.alarmName, state: parsed.state, since: parsed.since.toISOString() };
      await mailOnceWaitingForTwin(key, async () => renderAgentAlarmMail(await gatherAlarmReport(parsed), settings));
      return;
    }
    const { commandId, key } = await identifyRun(parsed);
    await mailOnceWaitingForTwin(key, async () => renderFailureMail(await gatherFailureReport(parsed, commandId), settings));
  };

  async function gatherAlarmReport(event: AgentAlarmEvent) {
    const [accountDisplayName, instanceName, node] = await Promise.all([
      dependencies.accountDisplayName(),
      readInstanceName(dependencies.ec2, event.instanceId),
      readNodeDetails(dependencies.ssm, event.instanceId),
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

  async function identifyRun(event: Exclude<NotifierEvent, AgentAlarmEvent>): Promise<{ commandId?: string; key: MailKey }> {
    const { instanceId } = event;
    if (event.kind === 'command-failure') return { commandId: event.commandId, key: { commandId: event.commandId, instanceId } };
    const executedAt = event.lastExecutionAt ?? event.occurredAt;
    const commandId = await findAssociationCommand(dependencies.ssm, event.associationId, instanceId, executedAt);
    if (commandId) return { commandId, key: { commandId, instanceId } };
    return { key: { associationId: event.associationId, instanceId, executedAt: executedAt.toISOString() } };
  }

  async function gatherFailureReport(event: Exclude<NotifierEvent, AgentAlarmEvent>, commandId: string | undefined): Promise<FailureReport> {
    const { ssm, ec2 } = dependencies;
    const [accountDisplayName, instanceName, output, packageName] = await Promise.all([
      dependencies.accountDisplayName(),
      readInstanceName(ec2, event.instanceId),
      commandId ? readStepOutput(ssm, commandId, event.instanceId) : Promise.resolve({ kind: 'unavailable', reason: 'no-command' } as const),
      commandId && event.documentName === PACKAGE_DOCUMENT ? readPackageName(ssm, commandId) : Promise.resolve(undefined),
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
      executionSummary: event.executionSummary,
      errorCode: event.errorCode,
    };
  }
}

function accountOfFunction(context: Context): string {
  return context.invokedFunctionArn.split(':')[4] ?? 'unknown';
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value) ?? String(value)).digest('hex');
}
