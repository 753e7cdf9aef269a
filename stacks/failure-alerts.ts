import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { COMMAND_INVOCATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE } from '../lambdas/shared/aws-names';
import type { Notifier } from './notifier';

export interface FailureAlertsProps {
  /** Rule names start with this; the notifier's dead-letter queue admits only such rules. */
  readonly resourceNamePrefix: string;
  readonly documents: readonly string[];
  readonly statuses: readonly string[];
  readonly notifier: Notifier;
}

/**
 * EventBridge rules that send failed Run Command invocations and failed State Manager instance
 * associations of the watched documents to the notifier.
 */
export class FailureAlerts extends Construct {
  readonly commandRule: CloudwatchEventRule;
  readonly associationRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: FailureAlertsProps) {
    super(scope, id);
    const detail = { 'document-name': [...props.documents], status: [...props.statuses] };

    this.commandRule = new CloudwatchEventRule(this, 'failed-commands', {
      name: `${props.resourceNamePrefix}-failed-commands`,
      description: 'Failed Run Command invocations of the watched SSM documents',
      eventPattern: JSON.stringify({ source: ['aws.ssm'], 'detail-type': [COMMAND_INVOCATION_DETAIL_TYPE], detail }),
    });
    this.associationRule = new CloudwatchEventRule(this, 'failed-associations', {
      name: `${props.resourceNamePrefix}-failed-associations`,
      description: 'Failed State Manager instance associations of the watched SSM documents',
      eventPattern: JSON.stringify({ source: ['aws.ssm'], 'detail-type': [INSTANCE_ASSOCIATION_DETAIL_TYPE], detail }),
    });
    props.notifier.addRule('failed-commands', this.commandRule);
    props.notifier.addRule('failed-associations', this.associationRule);
  }
}
