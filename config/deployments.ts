import { regionFacts } from '../contract/aws-partitions';
import { environmentNames, regionalNames, type EnvironmentNames } from '../contract/names';
import type { SpokeReportSettings } from '../contract/spokes';
import type { EnvironmentSettings } from './schema';

/**
 * One stack: one environment in one of its Regions. An environment deploys one stack per Region it
 * covers, each with its own state, so that a failed apply in one Region leaves the others alone and
 * Atlantis plans each Region as a project of its own.
 *
 * Every stack is one of three kinds:
 * - `standalone`: everything in one account and Region, as before hubs existed;
 * - `hub`: the same, and its event bus admits the events its spokes forward, its notifier mails them;
 * - `spoke`: only what is regional (associations, failure rules, agent watch and inventory, their
 *   alarms); it forwards its alerts to its hub and lets the hub's notifier read what a mail needs.
 * An environment's stacks in Regions other than its home are spokes: of the environment's hub when it
 * is a spoke itself, otherwise of the environment's home stack, which thereby becomes a hub.
 */
export interface Deployment {
  /** The environment's settings, `region` set to this stack's Region. */
  readonly settings: EnvironmentSettings;
  /** The environment's home Region (its configured `region`). */
  readonly homeRegion: string;
  readonly names: EnvironmentNames;
  readonly role: DeploymentRole;
}

export type DeploymentRole =
  | { readonly kind: 'standalone' }
  | { readonly kind: 'hub'; readonly spokes: readonly SpokeDeployment[]; readonly organizationId?: string }
  | { readonly kind: 'spoke'; readonly hub: HubDeployment };

/** Where a spoke forwards to: the hub stack's account, Region and names. */
export interface HubDeployment {
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly names: EnvironmentNames;
}

/** What a hub knows of one spoke stack. */
export interface SpokeDeployment {
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly names: EnvironmentNames;
  readonly displayNameParameter: string;
  readonly watchedStatuses: readonly string[];
  /** The spoke's own settings, as the hub's weekly report reads and writes the spoke's report with them. */
  readonly report: SpokeReportSettings;
}

/** What the hub's weekly report needs of a stack's own settings to report it. */
export function spokeReportSettings(settings: EnvironmentSettings, names: Pick<EnvironmentNames, 'nodeRegistryTable'>): SpokeReportSettings {
  const { agentMonitor, updateTargets } = settings;
  return {
    registryTable: names.nodeRegistryTable,
    associationNames: { ssmAgent: settings.ssmAgentUpdate.name, cloudWatchAgent: settings.cloudWatchAgentUpdate.name },
    updateTargetTag: { key: updateTargets.tagKey, values: [...updateTargets.tagValues] },
    muteTag: { key: agentMonitor.muteTag.key, value: agentMonitor.muteTag.value },
    startGraceMinutes: agentMonitor.startGraceMinutes,
    missingScope: agentMonitor.missingScope,
    ...(agentMonitor.scope === 'update-targets' ? { registryScopedToTargets: true } : {}),
    cloudWatchAgentNamespace: settings.weeklyReport.cloudWatchAgentNamespace,
  };
}

/** The Regions an environment covers, its home first. */
export function regionsOf(settings: Pick<EnvironmentSettings, 'region' | 'regions'>): string[] {
  return [settings.region, ...(settings.regions ?? []).filter((region) => region !== settings.region)];
}

/** Every stack of validated environments, in the order the environments and their Regions are listed. */
export function deploymentsOf(environments: readonly EnvironmentSettings[]): Deployment[] {
  const byName = new Map(environments.map((environment) => [environment.name, environment]));
  const homeOf = (environment: EnvironmentSettings): HubDeployment => ({
    environment: environment.name,
    accountId: environment.accountId,
    region: environment.region,
    partition: regionFacts(environment.region).partition,
    names: environmentNames(environment.name),
  });
  const hubOf = (environment: EnvironmentSettings, region: string): HubDeployment | undefined => {
    if (environment.notifyThrough !== undefined) return homeOf(byName.get(environment.notifyThrough)!);
    return region === environment.region ? undefined : homeOf(environment);
  };

  const stacks = environments.flatMap((settings) =>
    regionsOf(settings).map((region) => ({
      settings: { ...settings, region },
      homeRegion: settings.region,
      names: regionalNames(settings.name, region, settings.region),
      hub: hubOf(settings, region),
    })),
  );
  return stacks.map(({ hub, ...stack }): Deployment => {
    if (hub) return { ...stack, role: { kind: 'spoke', hub } };
    const spokes = stacks
      .filter((other) => other.hub?.environment === stack.settings.name)
      .map(
        (spoke): SpokeDeployment => ({
          environment: spoke.settings.name,
          accountId: spoke.settings.accountId,
          region: spoke.settings.region,
          partition: regionFacts(spoke.settings.region).partition,
          names: spoke.names,
          displayNameParameter: spoke.settings.accountDisplayName.parameterName,
          watchedStatuses: spoke.settings.failureAlerts.statuses,
          report: spokeReportSettings(spoke.settings, spoke.names),
        }),
      );
    const { hub: hubSetting } = stack.settings;
    if (spokes.length === 0 && hubSetting === undefined) return { ...stack, role: { kind: 'standalone' } };
    return {
      ...stack,
      role: { kind: 'hub', spokes, ...(typeof hubSetting === 'object' ? { organizationId: hubSetting.organizationId } : {}) },
    };
  });
}
