/**
 * Every name an environment gives its stack and its resources, derived from the environment name here
 * and nowhere else: the stacks create resources under these names, the Lambdas receive the ones they
 * need through their environment, and the configuration checks can tell environments apart by them.
 */
export interface EnvironmentNames {
  /** The Terraform stack, also its directory under `cdktf.out/stacks/` and the dashboard's name. */
  readonly stackName: string;
  /**
   * Every resource, alarm and rule of the environment is named with this and a dash; the topic, key
   * and queue policies admit only alarms and rules named so.
   */
  readonly resourcePrefix: string;
  /** Each node's alarm is this prefix followed by the instance ID. */
  readonly agentAlarmPrefix: string;
  /** CloudWatch namespace of the agent monitor's metrics. */
  readonly metricNamespace: string;
  readonly functionNames: { readonly notifier: string; readonly agentWatch: string; readonly fleetInventory: string; readonly subscriptionCheck: string };
  readonly ruleNames: {
    readonly failedCommands: string;
    readonly failedAssociations: string;
    readonly failedAssociationRuns: string;
    readonly agentAlarmState: string;
    readonly agentWatchSchedule: string;
    readonly fleetInventorySchedule: string;
    readonly subscriptionCheckSchedule: string;
  };
  /** The agent health monitor's DynamoDB table of the nodes in scope and their alarms. */
  readonly nodeRegistryTable: string;
  /** The agent watch's mail decisions and storm state. */
  readonly alertNotesTable: string;
  /** SSM documents the environment owns; document names share the account and region's namespace. */
  readonly documentNames: {
    /** The CloudWatch Agent update that also re-applies the agent's configuration (only when one is named). */
    readonly cloudWatchAgentUpdate: string;
  };
  /** The table where the subscription check remembers which lost subscriptions it has reported. */
  readonly subscriptionStateTable: string;
  /** The topic chat channels subscribe to, and the channel configuration and its role. */
  readonly chat: { readonly topicName: string; readonly configurationName: string; readonly channelRoleName: string };
}

const STACK_NAME_PREFIX = 'ssm-agent-ops-';
const CLOUDWATCH_AGENT_UPDATE_DOCUMENT_SUFFIX = 'cloudwatch-agent-update';

/** The names of one environment's stack and resources. */
export function environmentNames(environment: string): EnvironmentNames {
  const stackName = `${STACK_NAME_PREFIX}${environment}`;
  const resourcePrefix = stackName;
  const named = (suffix: string) => `${resourcePrefix}-${suffix}`;
  return {
    stackName,
    resourcePrefix,
    agentAlarmPrefix: named('agent-'),
    metricNamespace: `SSMAgentOps/${environment}`,
    functionNames: {
      notifier: named('notifier'),
      agentWatch: named('agent-watch'),
      fleetInventory: named('fleet-inventory'),
      subscriptionCheck: named('subscription-check'),
    },
    ruleNames: {
      failedCommands: named('failed-commands'),
      failedAssociations: named('failed-associations'),
      failedAssociationRuns: named('failed-association-runs'),
      agentAlarmState: named('agent-alarm-state'),
      agentWatchSchedule: named('agent-watch-schedule'),
      fleetInventorySchedule: named('fleet-inventory-schedule'),
      subscriptionCheckSchedule: named('subscription-check-schedule'),
    },
    nodeRegistryTable: named('node-registry'),
    alertNotesTable: named('alert-notes'),
    documentNames: { cloudWatchAgentUpdate: named(CLOUDWATCH_AGENT_UPDATE_DOCUMENT_SUFFIX) },
    subscriptionStateTable: named('subscription-state'),
    chat: { topicName: named('chat'), configurationName: named('chat'), channelRoleName: named('chat-channel') },
  };
}

/** The shape every environment's CloudWatch Agent update document has: `ssm-agent-ops-<environment>-cloudwatch-agent-update`. */
const CLOUDWATCH_AGENT_UPDATE_DOCUMENT = new RegExp(`^${STACK_NAME_PREFIX}[a-z][a-z0-9-]*-${CLOUDWATCH_AGENT_UPDATE_DOCUMENT_SUFFIX}$`);

/**
 * Whether a document is an environment's CloudWatch Agent update document. The notifier recognises it
 * by its name alone, so the function needs no setting for it.
 */
export function isCloudWatchAgentUpdateDocument(documentName: string): boolean {
  return CLOUDWATCH_AGENT_UPDATE_DOCUMENT.test(documentName);
}
