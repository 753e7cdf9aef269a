import { regionFacts } from '../../contract/aws-partitions';

/**
 * Links to the AWS console, in the region the link is about. Each is undefined for a region whose
 * console the product does not know (an isolated partition has no public one): no link rather than a
 * wrong one.
 */
function consoleUrl(region: string, path: string): string | undefined {
  const host = regionFacts(region).consoleHost;
  return host ? `https://${host}/systems-manager/${path}?region=${region}` : undefined;
}

/** Systems Manager console page of one command's result on one instance, in the command's region. */
export function commandInvocationUrl(region: string, commandId: string, instanceId: string): string | undefined {
  return consoleUrl(region, `run-command/${encodeURIComponent(commandId)}/${encodeURIComponent(instanceId)}`);
}

/** Systems Manager console page of one State Manager association, in its region. */
export function associationUrl(region: string, associationId: string): string | undefined {
  return consoleUrl(region, `state-manager/${encodeURIComponent(associationId)}/description`);
}

/** Fleet Manager page of one managed node, in its region. */
export function managedNodeUrl(region: string, instanceId: string): string | undefined {
  return consoleUrl(region, `fleet-manager/managed-nodes/${encodeURIComponent(instanceId)}/general`);
}

/** SNS console page of one topic, with its subscriptions, in the topic's region. */
export function snsTopicUrl(region: string, topicArn: string): string | undefined {
  const host = regionFacts(region).consoleHost;
  return host ? `https://${host}/sns/v3/home?region=${region}#/topic/${topicArn}` : undefined;
}

/** Fleet Manager's list of the managed nodes, in a region. */
export function managedNodesUrl(region: string): string | undefined {
  return consoleUrl(region, 'fleet-manager/managed-nodes');
}

/** State Manager's list of associations, in a region. */
export function stateManagerUrl(region: string): string | undefined {
  return consoleUrl(region, 'state-manager');
}

/** The EC2 console's list of instances, in a region. */
export function ec2InstancesUrl(region: string): string | undefined {
  const host = regionFacts(region).consoleHost;
  return host ? `https://${host}/ec2/home?region=${region}#Instances:` : undefined;
}

/** The EC2 console's page of one instance, in its region (for an instance that is not a managed node). */
export function ec2InstanceUrl(region: string, instanceId: string): string | undefined {
  const host = regionFacts(region).consoleHost;
  return host ? `https://${host}/ec2/home?region=${region}#InstanceDetails:instanceId=${encodeURIComponent(instanceId)}` : undefined;
}

/** The CloudWatch console's metrics browser, in a region. */
export function cloudWatchMetricsUrl(region: string): string | undefined {
  const host = regionFacts(region).consoleHost;
  return host ? `https://${host}/cloudwatch/home?region=${region}#metricsV2:` : undefined;
}
