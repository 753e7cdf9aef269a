import type { Context } from 'aws-lambda';
import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { paginateListSubscriptionsByTopic, type SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, paginateScan, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CONFIRMED_SUBSCRIPTIONS_METRIC, LOST_SUBSCRIPTIONS_METRIC, SUBSCRIPTION_CHECKS_METRIC } from '../../contract/subscription-metrics';
import type { MailSettings } from '../shared/mail/mail';
import { publishAlert, type AlertDestination } from '../shared/mail/publish';
import { logger } from '../shared/powertools';
import { renderLostSubscriptionsMail } from './lost-mail';
import { planCheck, type CheckPlan, type RememberedAddress, type TopicSubscription } from './plan';

export interface SubscriptionCheckSettings extends MailSettings, AlertDestination {
  emails: readonly string[];
  stateTable: string;
  namespace: string;
  maxPendingHours: number;
}

/** What the check needs from the outside world; the handler wires real clients, tests mocks. */
export interface SubscriptionCheckDependencies {
  sns: SNSClient;
  dynamodb: DynamoDBDocumentClient;
  cloudwatch: CloudWatchClient;
  accountDisplayName: () => Promise<string | undefined>;
  settings: SubscriptionCheckSettings;
  now?: () => Date;
}

/** What one check found, returned to whoever invoked it (the schedule, or Terraform at deployment). */
export interface CheckResult {
  confirmed: number;
  lost: number;
  reported: string[];
}

/**
 * The subscription check's handler: reads every subscription of the alert topic, mails the other
 * addresses (and chat) once about each configured address that no longer gets alerts, remembers what
 * it reported, and publishes how many addresses are confirmed, with a heartbeat last.
 *
 * Any failed AWS call fails the run before anything is remembered or the heartbeat is sent, so the
 * retry (or the next run) reports what this one could not. The mail goes out before the report is
 * remembered: a failure between the two can repeat a mail, never lose one.
 */
export function createSubscriptionCheck(dependencies: SubscriptionCheckDependencies) {
  const { settings } = dependencies;
  const now = dependencies.now ?? (() => new Date());

  return async function handler(_event: unknown, context: Context): Promise<CheckResult> {
    logger.addContext(context);
    const checkedAt = now();
    const [subscriptions, remembered] = await Promise.all([listSubscriptions(), readRemembered()]);
    const plan = planCheck({ emails: settings.emails, subscriptions, remembered, now: checkedAt, maxPendingHours: settings.maxPendingHours });
    logger.info('Subscriptions checked', { statuses: plan.statuses, newlyLost: plan.newlyLost });

    if (plan.newlyLost.length > 0) await reportLosses(plan, checkedAt);
    await Promise.all([
      ...plan.remember.map((entry) => dependencies.dynamodb.send(new PutCommand({ TableName: settings.stateTable, Item: toItem(entry) }))),
      ...plan.forget.map((address) => dependencies.dynamodb.send(new DeleteCommand({ TableName: settings.stateTable, Key: { address } }))),
    ]);
    await dependencies.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: settings.namespace,
        MetricData: [
          { MetricName: CONFIRMED_SUBSCRIPTIONS_METRIC, Value: plan.confirmedCount, Unit: 'Count', Timestamp: checkedAt },
          { MetricName: LOST_SUBSCRIPTIONS_METRIC, Value: plan.lostCount, Unit: 'Count', Timestamp: checkedAt },
          { MetricName: SUBSCRIPTION_CHECKS_METRIC, Value: 1, Unit: 'Count', Timestamp: checkedAt },
        ],
      }),
    );
    return { confirmed: plan.confirmedCount, lost: plan.lostCount, reported: plan.newlyLost.map((lost) => lost.address) };
  };

  async function listSubscriptions(): Promise<TopicSubscription[]> {
    const subscriptions: TopicSubscription[] = [];
    for await (const page of paginateListSubscriptionsByTopic({ client: dependencies.sns }, { TopicArn: settings.topicArn })) {
      for (const subscription of page.Subscriptions ?? []) {
        subscriptions.push({
          protocol: subscription.Protocol ?? '',
          endpoint: subscription.Endpoint ?? '',
          subscriptionArn: subscription.SubscriptionArn ?? '',
        });
      }
    }
    return subscriptions;
  }

  async function readRemembered(): Promise<RememberedAddress[]> {
    const entries: RememberedAddress[] = [];
    for await (const page of paginateScan({ client: dependencies.dynamodb }, { TableName: settings.stateTable, ConsistentRead: true })) {
      for (const item of page.Items ?? []) entries.push(fromItem(item));
    }
    return entries;
  }

  async function reportLosses(plan: CheckPlan, checkedAt: Date): Promise<void> {
    // arn:<partition>:sns:<region>:<account>:<name>
    const [, , , region, accountId] = settings.topicArn.split(':') as [string, string, string, string, string];
    const mail = renderLostSubscriptionsMail(
      {
        accountId,
        accountDisplayName: await dependencies.accountDisplayName(),
        region,
        topicArn: settings.topicArn,
        lost: plan.newlyLost,
        confirmedCount: plan.confirmedCount,
        configuredCount: settings.emails.length,
        maxPendingHours: settings.maxPendingHours,
        checkedAt,
      },
      settings,
    );
    await publishAlert(dependencies.sns, settings, mail);
  }
}

function toItem(entry: RememberedAddress): Record<string, string> {
  const item: Record<string, string> = { address: entry.address };
  if (entry.pendingSince) item.pendingSince = entry.pendingSince.toISOString();
  if (entry.lossReportedAt) item.lossReportedAt = entry.lossReportedAt.toISOString();
  return item;
}

function fromItem(item: Record<string, unknown>): RememberedAddress {
  const date = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  return { address: String(item.address), pendingSince: date(item.pendingSince), lossReportedAt: date(item.lossReportedAt) };
}
