import { Construct, type IConstruct } from 'constructs';
import { Aspects, TerraformOutput, type IAspect } from 'cdktf';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { alertDeliveryEnvironment } from '../contract/alert-delivery-environment';
import { CHAT_DELIVERY_FAILED, CHAT_DELIVERY_FAILURES_METRIC, CHAT_DELIVERY_LOG_FIELD } from '../contract/chat';
import { arn, serviceHost, type AwsLocation } from './aws-arn';
import { policyDocument, type PolicyStatement } from './iam-policy';
import type { PackagedFunction } from './packaged-function';
import type { SelfMonitoring } from './self-monitoring';

export interface AlertTopicProps {
  readonly topicName: string;
  readonly emails: readonly string[];
  readonly location: AwsLocation;
  /** Only alarms and EventBridge rules whose names start with this may publish to the topic. */
  readonly resourceNamePrefix: string;
  /** Whom the mails' closing note sends operators to instead of the unsubscribe link. */
  readonly unsubscribeContact?: string;
  /** A second topic, for chat channels, under this name; no chat topic when absent. */
  readonly chat?: {
    readonly topicName: string;
    /** Failed chat deliveries are counted in this CloudWatch namespace. */
    readonly metricNamespace: string;
  };
}

/**
 * The SNS topic every alert mail goes through, encrypted with a customer-managed KMS key: CloudWatch
 * alarms and EventBridge rules cannot publish to a topic under the AWS-managed `aws/sns` key.
 *
 * With chat, a second topic under the same key carries the chat notifications: Amazon Q Developer in
 * chat applications subscribes to it and reads only its JSON format, while e-mail needs plain text,
 * so each channel gets a topic whose subscribers all want what is published there.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  /** The topic chat channels subscribe to, when chat is set up. */
  readonly chatTopic?: SnsTopic;
  /** One e-mail subscription per configured address. */
  readonly subscriptions: SnsTopicSubscription[] = [];
  private readonly location: AwsLocation;
  private readonly props: AlertTopicProps;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const { location } = props;
    this.location = location;
    this.props = props;
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
        ...accountAndAlarmsManage(this.topic.arn),
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

    if (props.chat) {
      // SNS decrypts a message before it delivers it to an HTTPS endpoint such as the chat service's, so
      // the key admits the publishers (the functions, CloudWatch) and nothing is added for chat itself.
      this.chatTopic = new SnsTopic(this, 'chat-topic', {
        name: props.chat.topicName,
        displayName: `${props.resourceNamePrefix}-chat`,
        kmsMasterKeyId: this.key.arn,
      });
      new SnsTopicPolicy(this, 'chat-topic-policy', { arn: this.chatTopic.arn, policy: policyDocument(accountAndAlarmsManage(this.chatTopic.arn)) });
      new TerraformOutput(this, 'chat-topic-arn', {
        value: this.chatTopic.arn,
        description: 'ARN of the topic to subscribe a chat channel (Amazon Q Developer in chat applications) to',
      }).overrideLogicalId('chat_topic_arn');
    }

    function accountAndAlarmsManage(topicArn: string): PolicyStatement[] {
      return [
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
          Resource: topicArn,
        },
        {
          Sid: 'OwnAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { ...fromThisAccount, ArnLike: { 'aws:SourceArn': productAlarms } },
        },
      ];
    }

    const pendingByEmail: Record<string, unknown> = {};
    for (const email of props.emails) {
      const subscription = new SnsTopicSubscription(this, `email-${email}`, {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: email,
      });
      this.subscriptions.push(subscription);
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
   * Lets a function deliver alerts: publish to the topic and, with chat, to the chat topic, and tells
   * it (through its environment) where chat notifications go and whom the mails' closing note names.
   * Publishing to an encrypted topic needs the key too, which SNS uses on the publisher's behalf: the
   * key may be used through SNS only. A chat delivery the function logs as failed is counted.
   */
  grantPublish(fn: PackagedFunction): void {
    const topics = [this.topic.arn, ...(this.chatTopic ? [this.chatTopic.arn] : [])];
    fn.addToRolePolicy(
      { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: topics.length === 1 ? topics[0]! : topics },
      {
        Sid: 'EncryptAlertsForTheTopic',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: this.key.arn,
        Condition: { StringEquals: { 'kms:ViaService': serviceHost(this.location, 'sns') } },
      },
    );
    fn.addEnvironment(alertDeliveryEnvironment.encode({ chatTopicArn: this.chatTopic?.arn, unsubscribeContact: this.props.unsubscribeContact }));
    if (this.chatTopic && this.props.chat) {
      new CloudwatchLogMetricFilter(this, `chat-delivery-failures-${fn.node.path.split('/').slice(1).join('-')}`, {
        name: `${this.props.resourceNamePrefix}-chat-delivery-failures`,
        logGroupName: fn.logGroup.name,
        pattern: `{ $.${CHAT_DELIVERY_LOG_FIELD} = "${CHAT_DELIVERY_FAILED}" }`,
        metricTransformation: { name: CHAT_DELIVERY_FAILURES_METRIC, namespace: this.props.chat.metricNamespace, value: '1' },
      });
    }
  }

  /**
   * With chat, every alarm under `scope` (the self-monitoring alarms, which CloudWatch publishes
   * itself) also publishes its ALARM and OK to the chat topic, in CloudWatch's own format, which chat
   * renders; and failed chat deliveries raise an alarm of their own, which mails.
   */
  watchChatDelivery(selfMonitoring: SelfMonitoring): void {
    const { chatTopic } = this;
    if (!chatTopic || !this.props.chat) return;
    selfMonitoring.alarm(
      'chat-delivery-failures',
      {
        ja: 'チャットへの通知の送信に失敗しました (メールは送信済みです。チャットにだけ届いていない通知があります)',
        en: 'chat notifications could not be published (the mails went out; some alerts are missing from chat only)',
      },
      {
        namespace: this.props.chat.metricNamespace,
        metricName: CHAT_DELIVERY_FAILURES_METRIC,
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      },
    );
    Aspects.of(selfMonitoring).add(new AlsoPublishAlarmsTo(chatTopic.arn));
  }
}

/** Adds a topic to the ALARM and OK actions of every CloudWatch alarm it visits. */
class AlsoPublishAlarmsTo implements IAspect {
  constructor(private readonly topicArn: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CloudwatchMetricAlarm)) return;
    const add = (actions: string[] | undefined) => [...new Set([...(actions ?? []), this.topicArn])];
    node.alarmActions = add(node.alarmActionsInput);
    node.okActions = add(node.okActionsInput);
  }
}
