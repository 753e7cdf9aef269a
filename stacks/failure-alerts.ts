import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import {
  ASSOCIATION_DETAIL_TYPE,
  COMMAND_INVOCATION_DETAIL_TYPE,
  INSTANCE_ASSOCIATION_DETAIL_TYPE,
  NO_NODE_COUNTED,
  SSM_EVENT_SOURCE,
} from '../contract/events';
import type { AlertRuleTarget } from './alert-rules';

export interface FailureAlertsProps {
  /** Named with the environment's prefix, which the notifier's dead-letter queue admits. */
  readonly ruleNames: { readonly failedCommands: string; readonly failedAssociations: string; readonly failedAssociationRuns: string };
  readonly documents: readonly string[];
  readonly statuses: readonly string[];
  /** Where the rules deliver: the notifier, or in a spoke the hub. */
  readonly notifier: AlertRuleTarget;
}

/**
 * EventBridge rules that send the notifier, for the watched documents: failed Run Command invocations,
 * failed State Manager instance associations (one node's part of a run), and association runs that
 * failed as a whole or reached no node.
 */
export class FailureAlerts extends Construct {
  readonly commandRule: CloudwatchEventRule;
  readonly associationRule: CloudwatchEventRule;
  readonly associationRunRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: FailureAlertsProps) {
    super(scope, id);
    const documents = [...props.documents];
    const detail = { 'document-name': documents, status: [...props.statuses] };

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
    // An association's own status is Pending, Success or Failed; AWS documents none for a run that
    // finds no targets, which shows as a finished run that no node reported on (an empty count).
    this.associationRunRule = new CloudwatchEventRule(this, 'failed-association-runs', {
      name: props.ruleNames.failedAssociationRuns,
      description: 'State Manager association runs of the watched SSM documents that failed or reached no node',
      eventPattern: JSON.stringify({
        source: [SSM_EVENT_SOURCE],
        'detail-type': [ASSOCIATION_DETAIL_TYPE],
        detail: {
          'document-name': documents,
          $or: [{ status: ['Failed'] }, { status: ['Success'], 'association-status-aggregated-count': [NO_NODE_COUNTED] }],
        },
      }),
    });
    props.notifier.addRule('failed-commands', this.commandRule);
    props.notifier.addRule('failed-associations', this.associationRule);
    props.notifier.addRule('failed-association-runs', this.associationRunRule);
  }
}
