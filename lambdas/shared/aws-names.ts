/** SSM documents and the package the update associations run; the failure alerts watch the same. */
export const SSM_AGENT_UPDATE_DOCUMENT = 'AWS-UpdateSSMAgent';
export const PACKAGE_DOCUMENT = 'AWS-ConfigureAWSPackage';
export const CLOUDWATCH_AGENT_PACKAGE = 'AmazonCloudWatchAgent';

/** EventBridge detail-types of the events that report failed runs. */
export const COMMAND_INVOCATION_DETAIL_TYPE = 'EC2 Command Invocation Status-change Notification';
export const INSTANCE_ASSOCIATION_DETAIL_TYPE = 'EC2 State Manager Instance Association State Change';

/** EventBridge detail-type of CloudWatch alarm state changes (the agent alarms' ALARM and OK). */
export const ALARM_STATE_CHANGE_DETAIL_TYPE = 'CloudWatch Alarm State Change';
