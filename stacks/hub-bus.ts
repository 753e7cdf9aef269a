import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { SpokeDeployment } from '../config/deployments';
import {
  ALARM_STATE_CHANGE_DETAIL_TYPE,
  ASSOCIATION_DETAIL_TYPE,
  CLOUDWATCH_EVENT_SOURCE,
  COMMAND_INVOCATION_DETAIL_TYPE,
  INSTANCE_ASSOCIATION_DETAIL_TYPE,
  SSM_EVENT_SOURCE,
} from '../contract/events';
import type { Language } from '../contract/languages';
import type { HubNames } from '../contract/names';
import type { AlertTopic } from './alert-topic';
import { arn, type AwsLocation } from './aws-arn';
import { policyDocument, type PolicyStatement } from './iam-policy';
import type { Notifier } from './notifier';

export interface HubBusProps {
  readonly names: HubNames;
  readonly location: AwsLocation;
  readonly spokes: readonly SpokeDeployment[];
  /** Admit every account of this organisation instead of the spokes' accounts only. */
  readonly organizationId?: string;
  readonly notifier: Notifier;
  readonly alertTopic: AlertTopic;
  readonly language: Language;
}

/** The ARN of a hub's bus, written offline from the hub's place and names (spokes target it). */
export function hubBusArn(hub: { partition: string; region: string; accountId: string }, busName: string): string {
  return arn(hub, 'events', `event-bus/${busName}`);
}

/**
 * The ARN of a stack's notifier, written offline: the agent watch and the fleet inventory (a spoke's
 * too, of its hub's) hand their digests and missing-instance mails to it as asynchronous invocations.
 */
export function notifierArn(hub: { partition: string; region: string; accountId: string; names: { functionNames: { notifier: string } } }): string {
  return arn(hub, 'lambda', `function:${hub.names.functionNames.notifier}`);
}

/** The ARN of a spoke's role (IAM ARNs name no Region). */
export function roleArn(place: { partition: string; accountId: string }, roleName: string): string {
  return `arn:${place.partition}:iam::${place.accountId}:role/${roleName}`;
}

/**
 * The hub's own event bus, where spokes forward their alerts. A bus of its own rather than the
 * account's default bus: an event bus has one resource policy, which Terraform owns whole, and the
 * default bus's policy is shared with whatever else the account runs. The policy admits the spokes'
 * accounts (or any account of the organisation when configured);
 * spokes in the hub's own account need no policy, their role's IAM policy suffices.
 *
 * Rules on the bus: forwarded failures and agent alarms go to the notifier, which mails them like its
 * own; each spoke's self-monitoring alarms are relayed to the alert topic as they are (the notifier
 * must not be what they depend on).
 */
export class HubBus extends Construct {
  readonly bus: CloudwatchEventBus;
  readonly busArn: string;
  readonly policy?: CloudwatchEventBusPolicy;

  constructor(scope: Construct, id: string, props: HubBusProps) {
    super(scope, id);
    const { location, names, spokes } = props;
    this.bus = new CloudwatchEventBus(this, 'bus', { name: names.busName });
    this.busArn = hubBusArn(location, names.busName);

    const statements = busPolicyStatements(this.busArn, location, spokes, props.organizationId);
    if (statements.length > 0) {
      this.policy = new CloudwatchEventBusPolicy(this, 'policy', { eventBusName: this.bus.name, policy: policyDocument(statements) });
    }

    const failures = new CloudwatchEventRule(this, 'forwarded-failures', {
      name: names.busRuleNames.forwardedFailures,
      eventBusName: this.bus.name,
      description: 'Failures the spokes forward (each spoke sends only those of its watched documents and statuses)',
      eventPattern: JSON.stringify({
        source: [SSM_EVENT_SOURCE],
        'detail-type': [COMMAND_INVOCATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE, ASSOCIATION_DETAIL_TYPE],
      }),
    });
    props.notifier.addRule('hub-failures', failures);

    if (spokes.length > 0) {
      const alarms = new CloudwatchEventRule(this, 'forwarded-agent-alarms', {
        name: names.busRuleNames.forwardedAgentAlarms,
        eventBusName: this.bus.name,
        description: 'ALARM and recovery of the spokes’ agent alarms',
        eventPattern: JSON.stringify({
          source: [CLOUDWATCH_EVENT_SOURCE],
          'detail-type': [ALARM_STATE_CHANGE_DETAIL_TYPE],
          detail: { alarmName: spokes.map((spoke) => ({ prefix: spoke.names.agentAlarmPrefix })) },
        }),
      });
      props.notifier.addRule('hub-agent-alarms', alarms);
    }

    // Spokes in other accounts hand digests and missing-instance mails to the notifier directly; their
    // own IAM lets only their agent watch and fleet inventory do so.
    for (const account of [...new Set(spokes.map((spoke) => spoke.accountId))].filter((account) => account !== location.accountId)) {
      new LambdaPermission(this, `spoke-${account}-hands-over-mails`, {
        statementId: `spoke-${account}-hands-over-mails`,
        action: 'lambda:InvokeFunction',
        functionName: props.notifier.function.functionName,
        principal: account,
      });
    }

    for (const spoke of spokes) {
      const rule = new CloudwatchEventRule(this, `relay-${spoke.names.stackName}`, {
        name: relayRuleName(names.selfMonitoringRelayRulePrefix, spoke.names.stackName),
        eventBusName: this.bus.name,
        description: `Self-monitoring alarms of the spoke ${spoke.names.stackName}, straight to the alert topic`,
        eventPattern: JSON.stringify({
          source: [CLOUDWATCH_EVENT_SOURCE],
          'detail-type': [ALARM_STATE_CHANGE_DETAIL_TYPE],
          account: [spoke.accountId],
          region: [spoke.region],
          // The spoke forwards its own alarms only: all but its agent alarms are self-monitoring.
          detail: { alarmName: [{ 'anything-but': { prefix: spoke.names.agentAlarmPrefix } }] },
        }),
      });
      new CloudwatchEventTarget(this, `relay-${spoke.names.stackName}-target`, {
        rule: rule.name,
        eventBusName: this.bus.name,
        arn: props.alertTopic.topic.arn,
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 24 * 60 * 60 },
        deadLetterConfig: { arn: props.notifier.deadLetterQueue.arn },
        inputTransformer: {
          inputPaths: {
            alarm: '$.detail.alarmName',
            state: '$.detail.state.value',
            reason: '$.detail.state.reason',
            description: '$.detail.configuration.description',
            time: '$.time',
          },
          inputTemplate: JSON.stringify(relayMessage(spoke, props.language)),
        },
      });
    }
  }
}

/**
 * The statements admitting the spokes: their accounts, or the organisation. Within a spoke account,
 * only principals its own IAM allows `events:PutEvents` on this bus can send: the forwarding role.
 */
export function busPolicyStatements(
  busArn: string,
  hub: AwsLocation,
  spokes: readonly SpokeDeployment[],
  organizationId: string | undefined,
): PolicyStatement[] {
  if (organizationId !== undefined) {
    return [
      {
        Sid: 'OrganizationAccountsForward',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Resource: busArn,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      },
    ];
  }
  const remote = spokes.filter((spoke) => spoke.accountId !== hub.accountId);
  if (remote.length === 0) return [];
  const accounts = [...new Set(remote.map((spoke) => spoke.accountId))].sort();
  return [
    {
      Sid: 'SpokeAccountsForward',
      Effect: 'Allow',
      Principal: { AWS: accounts.map((account) => `arn:${hub.partition}:iam::${account}:root`) },
      Action: 'events:PutEvents',
      Resource: busArn,
    },
  ];
}

/** EventBridge rule names have at most 64 characters. */
const MAX_RULE_NAME_LENGTH = 64;

/** The relay rule of one spoke; a name too long keeps its start and ends with a digest of the whole, so that it stays unique. */
export function relayRuleName(prefix: string, spokeStackName: string): string {
  const full = `${prefix}${spokeStackName}`;
  if (full.length <= MAX_RULE_NAME_LENGTH) return full;
  const digest = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_RULE_NAME_LENGTH - digest.length - 1)}-${digest}`;
}

/** The mail of a spoke's self-monitoring alarm, as EventBridge's input template (`<name>` is filled in). */
function relayMessage(spoke: SpokeDeployment, language: Language): string {
  const where = `${spoke.environment} (${spoke.accountId} / ${spoke.region})`;
  const lines =
    language === 'ja'
      ? [
          `ssm-agent-ops の自己監視アラームが <state> になりました (スポーク ${where})。`,
          '',
          'アラーム: <alarm>',
          '内容: <description>',
          '理由: <reason>',
          '時刻 (UTC): <time>',
          '',
          `ALARM の間、このスポークの障害や接続断がメールされないことがあります。スポークのアカウント ${spoke.accountId}、リージョン ${spoke.region} の CloudWatch でアラームを確認してください。`,
        ]
      : [
          `An ssm-agent-ops self-monitoring alarm is now <state> (spoke ${where}).`,
          '',
          'Alarm: <alarm>',
          'What: <description>',
          'Reason: <reason>',
          'Time (UTC): <time>',
          '',
          `While it is in ALARM, failures and lost agents of this spoke may not be mailed. Check the alarm in CloudWatch in account ${spoke.accountId}, Region ${spoke.region}.`,
        ];
  return lines.join('\n');
}
