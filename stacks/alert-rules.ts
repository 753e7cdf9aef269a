import type { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';

/**
 * Where a stack's alert rules deliver: the notifier in a stack that mails (standalone or hub), the
 * hub's event bus in a spoke. Regional constructs create their rules and hand them to this.
 */
export interface AlertRuleTarget {
  addRule(id: string, rule: CloudwatchEventRule): void;
}
