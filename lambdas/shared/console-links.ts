/** Console host of the partition a region belongs to. */
function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return `${region}.console.aws.amazon.com`;
}

/** Systems Manager console page of one command's result on one instance, in the command's region. */
export function commandInvocationUrl(region: string, commandId: string, instanceId: string): string {
  return `https://${consoleHost(region)}/systems-manager/run-command/${encodeURIComponent(commandId)}/${encodeURIComponent(instanceId)}?region=${region}`;
}

/** Systems Manager console page of one State Manager association, in its region. */
export function associationUrl(region: string, associationId: string): string {
  return `https://${consoleHost(region)}/systems-manager/state-manager/${encodeURIComponent(associationId)}/description?region=${region}`;
}

/** Fleet Manager page of one managed node, in its region. */
export function managedNodeUrl(region: string, instanceId: string): string {
  return `https://${consoleHost(region)}/systems-manager/fleet-manager/managed-nodes/${encodeURIComponent(instanceId)}/general?region=${region}`;
}
