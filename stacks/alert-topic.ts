import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { arn, serviceHost, type AwsLocation } from './aws-arn';
import { policyDocument } from './iam-policy';
import type { PackagedFunction } from './packaged-function';

export interface AlertTopicProps {
  readonly topicName: string;
  readonly emails: readonly string[];
  readonly location: AwsLocation;
  /** Only alarms and EventBridge rules whose names start with this may publish to the topic. */
  readonly resourceNamePrefix: string;
}

/**
 * The SNS topic every alert mail goes through, encrypted with a customer-managed KMS key: CloudWatch
 * alarms and EventBridge rules cannot publish to a topic under the AWS-managed `aws/sns` key.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  private readonly location: AwsLocation;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const { location } = props;
    this.location = location;
    const accountRoot = arn(location, 'iam', 'root', '');
    const productAlarms = arn(location, 'cloudwatch', `alarm:${props.resourceNamePrefix}-*`);
    const productRules = arn(location, 'events', `rule/${props.resourceNamePrefix}-*`);
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': location.accountId } };

    this.key = new KmsKey(this, 'key', {
      description: `Encrypts the ${props.topicName} alert topic of ssm-agent-ops`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        {
          Sid: 'AccountAdministersKeyThroughIam',
          Effect: 'Allow',
          Principal: { AWS: accountRoot },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: { ...fromThisAccount, ArnLike: { 'aws:SourceArn': productAlarms } },
        },
        {
          // EventBridge does not send aws:SourceAccount or aws:SourceArn to KMS, so a condition on them
          // would silently drop every delivery; the topic policy below scopes EventBridge instead.
          Sid: 'EventBridgeRulesPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ]),
    });

    new KmsAlias(this, 'alias', { name: `alias/${props.resourceNamePrefix}-alerts`, targetKeyId: this.key.keyId });

    this.topic = new SnsTopic(this, 'topic', {
      name: props.topicName,
      // Mail clients show this as the sender's name.
      displayName: props.resourceNamePrefix,
      kmsMasterKeyId: this.key.arn,
    });

    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          Sid: 'AccountManagesTopicThroughIam',
          Effect: 'Allow',
          Principal: { AWS: accountRoot },
          Action: [
            'sns:GetTopicAttributes',
            'sns:SetTopicAttributes',
            'sns:AddPermission',
            'sns:RemovePermission',
            'sns:DeleteTopic',
            'sns:Subscribe',
            'sns:ListSubscriptionsByTopic',
            'sns:Publish',
          ],
          Resource: this.topic.arn,
        },
        {
          Sid: 'OwnAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: this.topic.arn,
          Condition: { ...fromThisAccount, ArnLike: { 'aws:SourceArn': productAlarms } },
        },
        {
          Sid: 'OwnRulesPublish',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: this.topic.arn,
          Condition: { ...fromThisAccount, ArnLike: { 'aws:SourceArn': productRules } },
        },
      ]),
    });

    const pendingByEmail: Record<string, unknown> = {};
    for (const email of props.emails) {
      const subscription = new SnsTopicSubscription(this, `email-${email}`, {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: email,
      });
      pendingByEmail[email] = subscription.pendingConfirmation;
    }

    new TerraformOutput(this, 'topic-arn', {
      value: this.topic.arn,
      description: 'ARN of the alert topic',
    }).overrideLogicalId('alert_topic_arn');
    new TerraformOutput(this, 'pending-confirmation', {
      value: pendingByEmail,
      description: 'E-mail address => true while its subscription still awaits the confirmation link',
    }).overrideLogicalId('alert_subscriptions_pending_confirmation');
  }

  /**
   * Lets a function publish to the topic. Publishing to an encrypted topic needs the key too, which
   * SNS uses on the publisher's behalf: the key may be used through SNS only.
   */
  grantPublish(fn: PackagedFunction): void {
    fn.addToRolePolicy(
      { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: this.topic.arn },
      {
        Sid: 'EncryptAlertsForTheTopic',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: this.key.arn,
        Condition: { StringEquals: { 'kms:ViaService': serviceHost(this.location, 'sns') } },
      },
    );
  }
}
