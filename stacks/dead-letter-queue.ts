import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { arn, type AwsLocation } from './aws-arn';
import { policyDocument } from './iam-policy';
import type { PackagedFunction } from './packaged-function';

export interface DeadLetterQueueProps {
  readonly queueName: string;
  readonly location: AwsLocation;
  /** EventBridge rules of this account whose names start with this and a dash may dead-letter into the queue. */
  readonly resourceNamePrefix: string;
}

/**
 * An encrypted SQS queue holding the alerts that could not be delivered, for as long as SQS keeps
 * messages (14 days), written by the environment's own EventBridge rules and the functions granted it.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  readonly policy: SqsQueuePolicy;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const { location } = props;
    // "Default" leaves the queue's Terraform address what it was before this construct existed.
    this.queue = new SqsQueue(this, 'Default', {
      name: props.queueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 60 * 60,
    });
    this.policy = new SqsQueuePolicy(this, 'policy', {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          Sid: 'OwnRulesDeadLetterUndeliveredEvents',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: this.queue.arn,
          Condition: {
            StringEquals: { 'aws:SourceAccount': location.accountId },
            ArnLike: { 'aws:SourceArn': arn(location, 'events', `rule/${props.resourceNamePrefix}-*`) },
          },
        },
      ]),
    });
  }

  get name(): string {
    return this.queue.name;
  }

  get arn(): string {
    return this.queue.arn;
  }

  /** Lets a function's failed asynchronous invocations land in the queue (Lambda sends them with the function's role). */
  grantSendMessage(fn: PackagedFunction): void {
    fn.addToRolePolicy({ Sid: 'DeadLetterFailedInvocations', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.queue.arn });
  }
}
