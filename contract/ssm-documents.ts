/** SSM documents and the package the update associations run; the failure alerts watch the same. */
export const SSM_AGENT_UPDATE_DOCUMENT = 'AWS-UpdateSSMAgent';
export const PACKAGE_DOCUMENT = 'AWS-ConfigureAWSPackage';
export const CLOUDWATCH_AGENT_PACKAGE = 'AmazonCloudWatchAgent';
