import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { COMMAND_INVOCATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE, SSM_EVENT_SOURCE } from '../contract/events';
import type { Notifier } from './notifier';

export interface FailureAlertsProps {
  /** Named with the environment's prefix, which the notifier's dead-letter queue admits. */
  readonly ruleNames: { readonly failedCommands: string; readonly failedAssociations: string };
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
      name: props.ruleNames.failedCommands,
      description: 'Failed Run Command invocations of the watched SSM documents',
      eventPattern: JSON.stringify({ source: [SSM_EVENT_SOURCE], 'detail-type': [COMMAND_INVOCATION_DETAIL_TYPE], detail }),
    });
    this.associationRule = new CloudwatchEventRule(this, 'failed-associations', {
      name: props.ruleNames.failedAssociations,
      description: 'Failed State Manager instance associations of the watched SSM documents',
      eventPattern: JSON.stringify({ source: [SSM_EVENT_SOURCE], 'detail-type': [INSTANCE_ASSOCIATION_DETAIL_TYPE], detail }),
    });
    props.notifier.addRule('failed-commands', this.commandRule);
    props.notifier.addRule('failed-associations', this.associationRule);
  }
}
