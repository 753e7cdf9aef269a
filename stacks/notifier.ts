import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { LambdaPackaging } from '../config/schema';
import type { Language } from '../contract/languages';
import { notifierEnvironment } from '../contract/notifier-environment';
import { hubEnvironment, type Spoke } from '../contract/spokes';
import type { AccountDisplayName } from './account-display-name';
import type { AlertTopic } from './alert-topic';
import { arn, type AwsLocation } from './aws-arn';
import { DeadLetterQueue } from './dead-letter-queue';
import { IdempotencyTable } from './idempotency-table';
import type { PolicyStatement } from './iam-policy';
import { PackagedFunction } from './packaged-function';
import type { SelfMonitoring } from './self-monitoring';

export interface NotifierProps {
  readonly functionName: string;
  /** The environment's resource name prefix: the queue and table are named with it. */
  readonly resourceNamePrefix: string;
  readonly location: AwsLocation;
  readonly bundleDir: string;
  readonly packaging: LambdaPackaging;
  readonly logRetentionDays: number;
  readonly alertTopic: AlertTopic;
  readonly accountDisplayName: AccountDisplayName;
  readonly mail: {
    readonly language: Language;
    readonly timeZone: string;
    readonly runbookBaseUrl?: string;
    readonly environmentName: string;
  };
  readonly watchedStatuses: readonly string[];
  /** Agent alarms (whose ALARM and OK the notifier mails) are named with this prefix. */
  readonly agentAlarmPrefix: string;
  /** The agent watch's alert notes table (it grants the notifier read access when it creates it). */
  readonly alertNotesTable: string;
  readonly selfMonitoring: SelfMonitoring;
}

/** Lambda retries a failed asynchronous invocation this often before giving it to the dead-letter queue. */
const LAMBDA_RETRY_ATTEMPTS = 2;
/** Oldest event worth mailing: later than this, the mail would mislead more than help. */
const MAX_EVENT_AGE_SECONDS = 6 * 60 * 60;

/**
 * The notifier Lambda, which turns every alert event into one mail on the alert topic, with what it
 * needs to never lose one: an idempotency table (one mail per failed run, whatever is delivered
 * twice), retries, and a dead-letter queue for what still fails.
 */
/**
 * What the notifier's lookups read in an account and Region: in its own through its role, in a spoke's
 * through the spoke's read role.
 */
export function notifierLookupStatements(location: AwsLocation): PolicyStatement[] {
  return [
    {
      // These three actions support no resource-level permissions.
      Sid: 'ReadFailedCommandResults',
      Effect: 'Allow',
      Action: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
      Resource: '*',
    },
    {
      Sid: 'FindTheCommandOfAnAssociationRun',
      Effect: 'Allow',
      Action: ['ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets'],
      Resource: arn(location, 'ssm', 'association/*'),
    },
    // Node details for the agent alarm mails; the action supports no resource-level permissions.
    { Sid: 'ReadManagedNodeDetails', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' },
    // The Name tag comes from the Resource Groups Tagging API (its client is a fraction of EC2's);
    // tag:GetResources supports no resource-level permissions, and needs no ec2: action.
    { Sid: 'ReadInstanceNameTags', Effect: 'Allow', Action: 'tag:GetResources', Resource: '*' },
  ];
}

export class Notifier extends Construct {
  readonly function: PackagedFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly idempotencyTable: IdempotencyTable;
  private readonly location: AwsLocation;

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    const { location, resourceNamePrefix, alertTopic, accountDisplayName } = props;
    this.location = location;

    this.deadLetterQueue = new DeadLetterQueue(this, 'dead-letter-queue', {
      queueName: `${resourceNamePrefix}-undelivered-alerts`,
      location,
      resourceNamePrefix,
    });
    // The queue policy was the notifier's own child before the queue became a construct: move its
    // state instead of replacing it, which could delete the queue's policy after the new one is set.
    this.deadLetterQueue.policy.moveFromId('aws_sqs_queue_policy.notifier_dead-letter-queue-policy_46CCA38E');

    this.idempotencyTable = new IdempotencyTable(this, 'idempotency-table', { tableName: `${resourceNamePrefix}-notifier-idempotency` });

    this.function = new PackagedFunction(this, 'function', {
      functionName: props.functionName,
      description: 'Mails every ssm-agent-ops alert to the alert topic, once',
      bundleDir: props.bundleDir,
      packaging: props.packaging,
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: 60,
      environment: notifierEnvironment.encode({
        topicArn: alertTopic.topic.arn,
        displayNameParameter: accountDisplayName.parameterName,
        idempotencyTable: this.idempotencyTable.name,
        watchedStatuses: props.watchedStatuses,
        agentAlarmPrefix: props.agentAlarmPrefix,
        notesTable: props.alertNotesTable,
        language: props.mail.language,
        timeZone: props.mail.timeZone,
        environmentName: props.mail.environmentName,
        runbookBaseUrl: props.mail.runbookBaseUrl,
      }),
    });

    // What the notifier reads and writes; each resource of its own or of the stack grants itself.
    alertTopic.grantPublish(this.function);
    this.function.addToRolePolicy(...notifierLookupStatements(location));
    accountDisplayName.grantRead(this.function);
    this.idempotencyTable.grantReadWrite(this.function);
    this.deadLetterQueue.grantSendMessage(this.function);

    new LambdaFunctionEventInvokeConfig(this, 'retries', {
      functionName: this.function.functionName,
      maximumRetryAttempts: LAMBDA_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: MAX_EVENT_AGE_SECONDS,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
    });

    props.selfMonitoring.watchFunctionErrors('notifier-errors', this.function.functionName, {
      ja: '通知 Lambda のエラーが続いています (失敗したイベントは再試行され、最後まで失敗したものはデッドレターキューに入ります)',
      en: 'the notifier Lambda keeps failing (failed events are retried; those that keep failing go to the dead-letter queue)',
    });
    props.selfMonitoring.watchDeadLetterQueue('undelivered-alerts', this.deadLetterQueue.name, {
      ja: '配信できなかった通知がデッドレターキューにあります。メールが届いていない障害があります',
      en: 'alerts that could not be delivered are waiting in the dead-letter queue; some failures were not mailed',
    });
  }

  /**
   * Makes the notifier a hub's: it is told its spokes (one variable, see contract/spokes.ts) and may
   * assume their read roles, and nothing else.
   */
  readFromSpokes(spokes: readonly Spoke[]): void {
    if (spokes.length === 0) return;
    this.function.addEnvironment(hubEnvironment.encode({ spokes }));
    this.function.addToRolePolicy({
      Sid: 'ReadThroughSpokeRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: [...new Set(spokes.map((spoke) => spoke.readRoleArn))].sort(),
    });
  }

  /**
   * Sends a rule's events to the notifier. EventBridge retries deliveries it cannot make and puts what
   * still fails into the dead-letter queue; the permission is limited to this one rule.
   */
  addRule(id: string, rule: CloudwatchEventRule): void {
    new CloudwatchEventTarget(this, `${id}-target`, {
      rule: rule.name,
      arn: this.function.functionArn,
      retryPolicy: { maximumRetryAttempts: 24, maximumEventAgeInSeconds: MAX_EVENT_AGE_SECONDS },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
    new LambdaPermission(this, `${id}-permission`, {
      statementId: `Allow-${id}`,
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
      sourceAccount: this.location.accountId,
    });
  }
}
