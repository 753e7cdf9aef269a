import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { ALARM_STATE_CHANGE_DETAIL_TYPE, CLOUDWATCH_EVENT_SOURCE } from '../contract/events';
import type { AlertRuleTarget } from './alert-rules';
import type { AwsLocation } from './aws-arn';
import { DeadLetterQueue } from './dead-letter-queue';
import { policyDocument } from './iam-policy';
import type { SelfMonitoring } from './self-monitoring';

export interface HubForwardingProps {
  /** The hub's event bus, in the hub's account and Region. */
  readonly hubBusArn: string;
  readonly location: AwsLocation;
  /** The spoke stack's resource prefix; the queue admits only rules named with it. */
  readonly resourceNamePrefix: string;
  readonly roleName: string;
  readonly queueName: string;
  readonly selfMonitoringRuleName: string;
  readonly selfMonitoring: SelfMonitoring;
}

/** How long and how often EventBridge retries a forwarding it cannot make before dead-lettering it. */
const FORWARD_RETRY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 24 * 60 * 60 } as const;

/**
 * A spoke's way to its hub: every alert rule of the spoke targets the hub's event bus (cross-account
 * and cross-Region delivery, which needs a role EventBridge assumes), with a dead-letter queue for
 * what cannot be delivered. The spoke's self-monitoring alarms publish nowhere; their state changes
 * are forwarded the same way, the dead-letter queue's own alarm among them.
 */
export class HubForwarding extends Construct implements AlertRuleTarget {
  readonly role: IamRole;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly selfMonitoringRule: CloudwatchEventRule;
  private readonly props: HubForwardingProps;

  constructor(scope: Construct, id: string, props: HubForwardingProps) {
    super(scope, id);
    this.props = props;
    const { location } = props;

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Lets EventBridge forward the ssm-agent-ops alerts of this spoke to its hub',
      assumeRolePolicy: policyDocument([
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': location.accountId } },
        },
      ]),
    });
    new IamRolePolicy(this, 'policy', {
      name: 'put-events-on-hub-bus',
      role: this.role.name,
      policy: policyDocument([{ Sid: 'ForwardToHubBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: props.hubBusArn }]),
    });

    this.deadLetterQueue = new DeadLetterQueue(this, 'dead-letter-queue', {
      queueName: props.queueName,
      location,
      resourceNamePrefix: props.resourceNamePrefix,
    });
    props.selfMonitoring.watchDeadLetterQueue('unforwarded-alerts', this.deadLetterQueue.name, {
      ja: 'ハブへ転送できなかった通知がデッドレターキューにあります。ハブからメールが届いていない障害があります',
      en: 'alerts that could not be forwarded to the hub are waiting in the dead-letter queue; some failures were not mailed',
    });

    // The alarm names are read at synth, after every construct has added its alarms.
    this.selfMonitoringRule = new CloudwatchEventRule(this, 'self-monitoring', {
      name: props.selfMonitoringRuleName,
      description: 'State changes of the ssm-agent-ops self-monitoring alarms of this spoke, for its hub',
      eventPattern: Lazy.stringValue({
        produce: () =>
          JSON.stringify({
            source: [CLOUDWATCH_EVENT_SOURCE],
            'detail-type': [ALARM_STATE_CHANGE_DETAIL_TYPE],
            detail: { alarmName: [...props.selfMonitoring.alarmNames].sort(), state: { value: ['ALARM', 'OK'] } },
          }),
      }),
    });
    this.addRule('self-monitoring', this.selfMonitoringRule);
  }

  /** Forwards a rule's events to the hub's bus, dead-lettering what EventBridge cannot deliver. */
  addRule(id: string, rule: CloudwatchEventRule): void {
    new CloudwatchEventTarget(this, `${id}-target`, {
      rule: rule.name,
      arn: this.props.hubBusArn,
      roleArn: this.role.arn,
      retryPolicy: FORWARD_RETRY,
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
  }
}
