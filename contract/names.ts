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
  readonly functionNames: {
    readonly notifier: string;
    readonly agentWatch: string;
    readonly fleetInventory: string;
    readonly subscriptionCheck: string;
    readonly weeklyReport: string;
  };
  readonly ruleNames: {
    readonly failedCommands: string;
    readonly failedAssociations: string;
    readonly failedAssociationRuns: string;
    readonly agentAlarmState: string;
    readonly agentWatchSchedule: string;
    readonly fleetInventorySchedule: string;
    readonly subscriptionCheckSchedule: string;
    readonly weeklyReportSchedule: string;
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
  /** Where the stack's Terraform state lives in the state bucket. */
  readonly stateKey: string;
  /** Names of the notification hub and of what a spoke uses to reach it (see `hubNames`). */
  readonly hub: HubNames;
}

/** What a hub and its spokes name: the hub's bus and rules, a spoke's forwarding and its read role. */
export interface HubNames {
  /** The hub's own event bus, which admits the spokes' forwarded events. */
  readonly busName: string;
  /** Rules on the hub's bus: forwarded failures and agent alarms go to the notifier. */
  readonly busRuleNames: { readonly forwardedFailures: string; readonly forwardedAgentAlarms: string };
  /** Rule on the hub's bus relaying one spoke's self-monitoring alarms to the topic (followed by the spoke's stack name). */
  readonly selfMonitoringRelayRulePrefix: string;
  /** The spoke's role that only the hub notifier may assume, to read what a mail needs. IAM names are global: it carries the Region's stack name. */
  readonly readRoleName: string;
  /** The spoke's role EventBridge uses to put events on the hub's bus. */
  readonly forwardRoleName: string;
  /** The spoke's dead-letter queue of events that could not be forwarded. */
  readonly forwardQueueName: string;
  /** The spoke's rule forwarding its self-monitoring alarms' state changes. */
  readonly selfMonitoringForwardRuleName: string;
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
      weeklyReport: named('weekly-report'),
    },
    ruleNames: {
      failedCommands: named('failed-commands'),
      failedAssociations: named('failed-associations'),
      failedAssociationRuns: named('failed-association-runs'),
      agentAlarmState: named('agent-alarm-state'),
      agentWatchSchedule: named('agent-watch-schedule'),
      fleetInventorySchedule: named('fleet-inventory-schedule'),
      subscriptionCheckSchedule: named('subscription-check-schedule'),
      weeklyReportSchedule: named('weekly-report-schedule'),
    },
    nodeRegistryTable: named('node-registry'),
    alertNotesTable: named('alert-notes'),
    documentNames: { cloudWatchAgentUpdate: named(CLOUDWATCH_AGENT_UPDATE_DOCUMENT_SUFFIX) },
    subscriptionStateTable: named('subscription-state'),
    chat: { topicName: named('chat'), configurationName: named('chat'), channelRoleName: named('chat-channel') },
    stateKey: `ssm-agent-ops/${environment}/terraform.tfstate`,
    hub: {
      busName: named('hub'),
      busRuleNames: { forwardedFailures: named('hub-failures'), forwardedAgentAlarms: named('hub-agent-alarms') },
      selfMonitoringRelayRulePrefix: named('hub-relay-'),
      readRoleName: named('hub-read'),
      forwardRoleName: named('forward-to-hub'),
      forwardQueueName: named('unforwarded-alerts'),
      selfMonitoringForwardRuleName: named('self-monitoring-to-hub'),
    },
  };
}

/** Compass words of Region codes, shortened as AWS's own short Region names do (apne1, use1). */
const COMPASS: Readonly<Record<string, string>> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/**
 * A short code for a Region (`us-east-1` → `use1`, `ap-northeast-1` → `apne1`, `us-gov-west-1` →
 * `usgovw1`), so that names in a second Region stay within IAM's 64 characters.
 */
export function regionCode(region: string): string {
  return region
    .split('-')
    .map((part, index) => (index === 0 ? part : (COMPASS[part] ?? part)))
    .join('');
}

/**
 * The names of one environment's stack in one Region. The environment's home Region (its `region`)
 * keeps the names it always had, so that existing state never moves; every other Region's stack is
 * named as if the environment were called `<environment>-<Region code>`, because IAM role names are
 * global to the account and two Regions' functions would otherwise share their roles' names. Its state
 * key is `ssm-agent-ops/<environment>/<Region>/terraform.tfstate`.
 */
export function regionalNames(environment: string, region: string, homeRegion: string): EnvironmentNames {
  if (region === homeRegion) return environmentNames(environment);
  return { ...environmentNames(`${environment}-${regionCode(region)}`), stateKey: `ssm-agent-ops/${environment}/${region}/terraform.tfstate` };
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
