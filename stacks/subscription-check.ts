import { Construct } from 'constructs';
import { dependable } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { LambdaPackaging } from '../config/schema';
import type { Language } from '../contract/languages';
import { SUBSCRIPTION_CHECKS_METRIC } from '../contract/subscription-metrics';
import { subscriptionCheckEnvironment } from '../contract/subscription-check-environment';
import type { AccountDisplayName } from './account-display-name';
import type { AlertTopic } from './alert-topic';
import type { AwsLocation } from './aws-arn';
import { PackagedFunction } from './packaged-function';
import type { SelfMonitoring } from './self-monitoring';

export interface SubscriptionCheckProps {
  readonly functionName: string;
  readonly scheduleRuleName: string;
  /** An EventBridge schedule expression. */
  readonly schedule: string;
  /** The longest time the schedule leaves between two checks; the heartbeat alarm waits this plus an hour. */
  readonly longestGapMinutes: number;
  readonly stateTableName: string;
  readonly location: AwsLocation;
  readonly bundleDir: string;
  readonly packaging: LambdaPackaging;
  readonly logRetentionDays: number;
  /** CloudWatch namespace of the check's metrics; its role may publish to no other. */
  readonly metricNamespace: string;
  readonly alertTopic: AlertTopic;
  readonly accountDisplayName: AccountDisplayName;
  readonly emails: readonly string[];
  readonly maxPendingHours: number;
  readonly mail: {
    readonly language: Language;
    readonly timeZone: string;
    readonly runbookBaseUrl?: string;
    readonly environmentName: string;
  };
  readonly selfMonitoring: SelfMonitoring;
}

/** Lambda retries a failed run this often; all of them failing is what the errors alarm waits for. */
const LAMBDA_RETRY_ATTEMPTS = 2;
/** CloudWatch alarms with hourly periods may look back up to 7 days (PutMetricAlarm). */
const HOUR_SECONDS = 3600;

/**
 * The daily (by default) check that every configured address still has a confirmed subscription: a
 * Lambda on an EventBridge schedule, a small table where it remembers the losses it reported (so
 * each is mailed once), and the alarms that notice when it fails or stops running.
 */
export class SubscriptionCheck extends Construct {
  readonly function: PackagedFunction;
  readonly stateTable: DynamodbTable;

  constructor(scope: Construct, id: string, props: SubscriptionCheckProps) {
    super(scope, id);
    const { alertTopic, location } = props;

    this.stateTable = new DynamodbTable(this, 'state', {
      name: props.stateTableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'address',
      attribute: [{ name: 'address', type: 'S' }],
      serverSideEncryption: { enabled: true },
    });

    this.function = new PackagedFunction(this, 'function', {
      functionName: props.functionName,
      description: 'Checks that every alert address still has a confirmed subscription, and reports each loss once',
      bundleDir: props.bundleDir,
      packaging: props.packaging,
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: 60,
      // One run at a time: a retry never overlaps the run it repeats, so a loss is not mailed twice.
      reservedConcurrentExecutions: 1,
      environment: subscriptionCheckEnvironment.encode({
        topicArn: alertTopic.topic.arn,
        emails: props.emails,
        stateTable: this.stateTable.name,
        namespace: props.metricNamespace,
        maxPendingHours: props.maxPendingHours,
        displayNameParameter: props.accountDisplayName.parameterName,
        language: props.mail.language,
        timeZone: props.mail.timeZone,
        environmentName: props.mail.environmentName,
        runbookBaseUrl: props.mail.runbookBaseUrl,
      }),
    });
    const fn = this.function;
    alertTopic.grantPublish(fn);
    props.accountDisplayName.grantRead(fn);
    fn.addToRolePolicy(
      { Sid: 'ListAlertSubscriptions', Effect: 'Allow', Action: 'sns:ListSubscriptionsByTopic', Resource: alertTopic.topic.arn },
      {
        Sid: 'RememberReportedLosses',
        Effect: 'Allow',
        Action: ['dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Resource: this.stateTable.arn,
      },
      {
        // PutMetricData supports no resource-level permissions; the namespace condition narrows it.
        Sid: 'PublishOwnMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } },
      },
    );

    new LambdaFunctionEventInvokeConfig(this, 'retries', {
      functionName: fn.functionName,
      maximumRetryAttempts: LAMBDA_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: 6 * HOUR_SECONDS,
    });
    const schedule = new CloudwatchEventRule(this, 'schedule', {
      name: props.scheduleRuleName,
      description: 'Runs the ssm-agent-ops subscription check',
      scheduleExpression: props.schedule,
    });
    new CloudwatchEventTarget(this, 'schedule-target', { rule: schedule.name, arn: fn.functionArn });
    new LambdaPermission(this, 'schedule-permission', {
      statementId: 'AllowSchedule',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: schedule.arn,
      sourceAccount: location.accountId,
    });

    // The first check runs at deployment, once the subscriptions exist: it remembers since when they
    // wait for confirmation, and its heartbeat is there before the heartbeat alarm first looks.
    const firstCheck = new LambdaInvocation(this, 'first-check', {
      functionName: fn.functionName,
      input: JSON.stringify({ source: 'deployment' }),
      dependsOn: [...alertTopic.subscriptions],
    });

    props.selfMonitoring.alarm(
      'subscription-check-errors',
      {
        ja: `購読チェック Lambda が ${1 + LAMBDA_RETRY_ATTEMPTS} 回続けて失敗しました (この間、届かなくなった宛先は報告されません)`,
        en: `the subscription check failed ${1 + LAMBDA_RETRY_ATTEMPTS} times in a row (addresses that stopped getting alerts go unreported meanwhile)`,
      },
      {
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: fn.functionName },
        statistic: 'Sum',
        period: HOUR_SECONDS,
        evaluationPeriods: 1,
        // A run and both its retries: one failed attempt that a retry repairs needs nobody.
        threshold: 1 + LAMBDA_RETRY_ATTEMPTS,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      },
    );
    const windowHours = Math.ceil(props.longestGapMinutes / 60) + 1;
    const heartbeat = props.selfMonitoring.alarm(
      'subscription-check-heartbeat',
      {
        ja: `購読チェックが ${windowHours} 時間、最後まで完了していません (止まっているか、失敗し続けています)`,
        en: `the subscription check has not completed for ${windowHours} hours (it stopped, or keeps failing)`,
      },
      {
        namespace: props.metricNamespace,
        metricName: SUBSCRIPTION_CHECKS_METRIC,
        statistic: 'Sum',
        period: HOUR_SECONDS,
        evaluationPeriods: windowHours,
        datapointsToAlarm: windowHours,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        // No heartbeat is the signal itself: a check that stopped must not look like a quiet one.
        treatMissingData: 'breaching',
      },
    );
    heartbeat.dependsOn = [dependable(firstCheck)];
  }
}
