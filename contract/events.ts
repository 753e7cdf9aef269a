/** EventBridge sources of the events the rules match and the notifier parses. */
export const SSM_EVENT_SOURCE = 'aws.ssm';
export const CLOUDWATCH_EVENT_SOURCE = 'aws.cloudwatch';

/** EventBridge detail-types of the events that report failed runs. */
export const COMMAND_INVOCATION_DETAIL_TYPE = 'EC2 Command Invocation Status-change Notification';
export const INSTANCE_ASSOCIATION_DETAIL_TYPE = 'EC2 State Manager Instance Association State Change';
/** EventBridge detail-type of an association's overall status: one per association, not per node. */
export const ASSOCIATION_DETAIL_TYPE = 'EC2 State Manager Association State Change';

/** EventBridge detail-type of CloudWatch alarm state changes (the agent alarms' ALARM and OK). */
export const ALARM_STATE_CHANGE_DETAIL_TYPE = 'CloudWatch Alarm State Change';

/** Statuses of failed runs that EventBridge reports for Run Command and State Manager. */
export const FAILURE_STATUSES = ['Failed', 'TimedOut', 'Cancelled'] as const;
export type FailureStatus = (typeof FAILURE_STATUSES)[number];

/** Overall statuses of a State Manager association (AssociationStatusName). */
export const ASSOCIATION_STATUSES = ['Pending', 'Success', 'Failed'] as const;
export type AssociationStatus = (typeof ASSOCIATION_STATUSES)[number];

/**
 * `association-status-aggregated-count` of an association run that no node reported on: the JSON
 * string of an empty object. AWS documents no status of its own for a run that finds no targets.
 */
export const NO_NODE_COUNTED = '{}';

/** EventBridge-shaped events the product's own functions send to the notifier (invoked directly, not through a bus). */
export const PRODUCT_EVENT_SOURCE = 'ssm-agent-ops';
/** Many nodes changed state at once: one mail lists them (see the README's "Storm digest"). */
export const AGENT_DIGEST_DETAIL_TYPE = 'Agent Health Digest';
/** A running EC2 instance that is not a managed node (missing), or one that has since registered. */
export const UNMANAGED_INSTANCE_DETAIL_TYPE = 'Unmanaged Instance Change';
