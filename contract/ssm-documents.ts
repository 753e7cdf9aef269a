/** SSM documents and the package the update associations run; the failure alerts watch the same. */
export const SSM_AGENT_UPDATE_DOCUMENT = 'AWS-UpdateSSMAgent';
export const PACKAGE_DOCUMENT = 'AWS-ConfigureAWSPackage';
export const CLOUDWATCH_AGENT_PACKAGE = 'AmazonCloudWatchAgent';

/** AWS's document that applies a CloudWatch Agent configuration and (re)starts the agent. */
export const CLOUDWATCH_AGENT_MANAGE_DOCUMENT = 'AmazonCloudWatch-ManageAgent';

/**
 * How `aws:configurePackage` replaces an installed package (its `installationType`). "Uninstall and
 * reinstall" is AWS's default; "In-place update" runs the package's update script instead.
 */
export const PACKAGE_INSTALLATION_TYPES = ['Uninstall and reinstall', 'In-place update'] as const;
export type PackageInstallationType = (typeof PACKAGE_INSTALLATION_TYPES)[number];

/** Parameter Store allows at most 15 levels in a hierarchical parameter name. */
export const MAX_PARAMETER_HIERARCHY_LEVELS = 15;

/**
 * One SSM parameter name, plain (`AmazonCloudWatch-linux`, as the agent's own wizard proposes) or
 * hierarchical (`/ops/cloudwatch-agent/linux`), by Parameter Store's naming rules. Both the settings
 * and the CloudWatch Agent update document check names with it.
 */
export const SSM_PARAMETER_NAME_PATTERN = `^([a-zA-Z0-9_.-]{1,1011}|(/[a-zA-Z0-9_.-]+){1,${MAX_PARAMETER_HIERARCHY_LEVELS}})$`;

/**
 * Platforms whose CloudWatch Agent configuration can be named separately, as `platformType` values of
 * an SSM document precondition.
 */
export const AGENT_CONFIGURATION_PLATFORMS = { linux: 'Linux', windows: 'Windows' } as const;
export type AgentConfigurationPlatform = keyof typeof AGENT_CONFIGURATION_PLATFORMS;

/**
 * Step names of the CloudWatch Agent update document. Run Command reports each step as a plugin of
 * that name (`CommandPlugins[].Name`, GetCommandInvocation's `PluginName`, at least 4 characters), so
 * the failure mail names the step that failed and the runbook explains each one.
 */
export const CLOUDWATCH_AGENT_UPDATE_STEPS = {
  /** Installs the newest AmazonCloudWatchAgent package (aws:configurePackage). */
  updatePackage: 'updateCloudWatchAgent',
  /** Re-applies the configuration and (re)starts the agent on every platform (aws:runDocument). */
  configure: 'configureCloudWatchAgent',
  /** The same, only on Linux or only on Windows, when each has its own configuration. */
  configureOn: { linux: 'configureCloudWatchAgentOnLinux', windows: 'configureCloudWatchAgentOnWindows' },
} as const satisfies {
  updatePackage: string;
  configure: string;
  configureOn: Record<AgentConfigurationPlatform, string>;
};
