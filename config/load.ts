import { z } from 'zod';
import { regionalNames } from '../contract/names';
import { deploymentsOf, regionsOf, type Deployment } from './deployments';
import { environmentSchema, LAMBDA_PACKAGING_MODES, type EnvironmentSettings, type LambdaPackaging } from './schema';

/** Raised when settings are invalid; `problems` holds one line per invalid value. */
export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid ssm-agent-ops settings (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
    this.name = 'ConfigurationError';
  }
}

/** Settings that come from the command line for one synth rather than from `config/environments.ts`. */
export interface SynthOverrides {
  /** Raw value of the `LAMBDA_PACKAGING` environment variable, if set. */
  lambdaPackaging?: string | undefined;
}

/**
 * Validates every environment and returns them with defaults filled in, or throws a
 * {@link ConfigurationError} listing every problem at once.
 */
export function loadEnvironments(inputs: readonly unknown[], overrides: SynthOverrides = {}): EnvironmentSettings[] {
  const problems: string[] = [];
  const packagingOverride = parsePackagingOverride(overrides.lambdaPackaging, problems);

  const parsed: ParsedEnvironment[] = [];
  inputs.forEach((input, index) => {
    const label = environmentLabel(input, index);
    const result = environmentSchema.safeParse(input);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => describeIssue(label, input, issue)));
      return;
    }
    parsed.push(packagingOverride ? { ...result.data, lambdaPackaging: packagingOverride } : result.data);
  });

  problems.push(...unknownHubs(parsed));
  const environments = withHubAlerts(parsed);
  problems.push(...duplicateNames(parsed.map((environment) => environment.name)));
  problems.push(...overlappingNamePrefixes(stacksOf(environments)));
  problems.push(...sharedResourceNames(environments.filter((environment) => environment.notifyThrough === undefined)));
  problems.push(...conflictingStateRegions(environments));
  problems.push(...collidingStacks(stacksOf(environments)));
  problems.push(...sharedHubPlaces(environments));
  problems.push(...longRoleNames(stacksOf(environments)));
  if (inputs.length === 0) problems.push('no environments are configured');

  if (problems.length > 0) throw new ConfigurationError(problems);
  return environments;
}

/** Validates every environment and returns its stacks, one per environment and Region (see `Deployment`). */
export function loadDeployments(inputs: readonly unknown[], overrides: SynthOverrides = {}): Deployment[] {
  return deploymentsOf(loadEnvironments(inputs, overrides));
}

type ParsedEnvironment = Omit<EnvironmentSettings, 'alerts'> & { alerts?: EnvironmentSettings['alerts'] };

/** A spoke names an environment that exists and is a hub. */
function unknownHubs(environments: readonly ParsedEnvironment[]): string[] {
  return environments.flatMap(({ name, notifyThrough }) => {
    if (notifyThrough === undefined || notifyThrough === name) return [];
    const hub = environments.find((other) => other.name === notifyThrough);
    if (hub?.hub !== undefined) return [];
    const why = hub ? `${notifyThrough} has no hub setting` : `no environment is named ${notifyThrough}`;
    return [`${name} › notifyThrough = ${JSON.stringify(notifyThrough)} is not allowed; allowed: the name of an environment with hub set (${why})`];
  });
}

/** A spoke's mails are its hub's: it takes the hub's alert settings (and none when its hub is missing, which is reported). */
function withHubAlerts(environments: readonly ParsedEnvironment[]): EnvironmentSettings[] {
  return environments.flatMap((environment) => {
    if (environment.alerts) return [{ ...environment, alerts: environment.alerts }];
    const hub = environments.find((other) => other.name === environment.notifyThrough && other.hub !== undefined);
    return hub?.alerts ? [{ ...environment, alerts: hub.alerts }] : [];
  });
}

/** One stack's place and the name its resources are named with. */
interface StackPlace {
  environment: EnvironmentSettings;
  region: string;
  /** What the stack's names are derived from: the environment's name, or `<name>-<Region code>` outside its home Region. */
  basis: string;
  stackName: string;
  roleNames: string[];
}

function stacksOf(environments: readonly EnvironmentSettings[]): StackPlace[] {
  return environments.flatMap((environment) =>
    regionsOf(environment).map((region) => {
      const names = regionalNames(environment.name, region, environment.region);
      return {
        environment,
        region,
        basis: names.resourcePrefix.slice('ssm-agent-ops-'.length),
        stackName: names.stackName,
        roleNames: [
          ...Object.values(names.functionNames).map((name) => `${name}-role`),
          names.hub.readRoleName,
          names.hub.forwardRoleName,
          names.chat.channelRoleName,
        ],
      };
    }),
  );
}

/** A second Region's stack is named `<environment>-<Region code>`: no other environment may be called so. */
function collidingStacks(stacks: readonly StackPlace[]): string[] {
  const problems: string[] = [];
  stacks.forEach((stack, index) => {
    const earlier = stacks.slice(0, index).find((other) => other.stackName === stack.stackName && other.environment.name !== stack.environment.name);
    if (!earlier) return;
    const [derived, plain] = stack.region === stack.environment.region ? [earlier, stack] : [stack, earlier];
    problems.push(
      `${derived.environment.name} › regions = ${JSON.stringify(derived.environment.regions)} is not allowed; allowed: Regions whose stacks do not take another environment's names ` +
        `(the ${derived.region} stack is named ${derived.stackName}, like environment ${plain.environment.name}'s stack)`,
    );
  });
  return problems;
}

/**
 * A hub tells its spokes apart by the account and Region of their events, so a hub or spoke stack
 * shares its account and Region with no other stack.
 */
function sharedHubPlaces(environments: readonly EnvironmentSettings[]): string[] {
  const deployments = deploymentsOf(environments);
  const problems: string[] = [];
  deployments.forEach((deployment, index) => {
    const { settings } = deployment;
    const earlier = deployments
      .slice(0, index)
      .find((other) => other.settings.accountId === settings.accountId && other.settings.region === settings.region && other.settings.name !== settings.name);
    if (!earlier || (deployment.role.kind === 'standalone' && earlier.role.kind === 'standalone')) return;
    const field = settings.regions ? 'regions' : 'region';
    problems.push(
      `${settings.name} › ${field} = ${JSON.stringify(settings.regions ?? settings.region)} is not allowed; allowed: Regions where no other environment has a stack in account ${settings.accountId} ` +
        `(${earlier.settings.name} has one in ${settings.region}, and a hub tells its spokes apart by account and Region)`,
    );
  });
  return problems;
}

/** IAM role names are at most 64 characters. */
const MAX_ROLE_NAME_LENGTH = 64;

function longRoleNames(stacks: readonly StackPlace[]): string[] {
  return stacks.flatMap((stack) => {
    const longest = stack.roleNames.reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length <= MAX_ROLE_NAME_LENGTH) return [];
    const field = stack.region === stack.environment.region ? 'name' : 'regions';
    const value = field === 'name' ? stack.environment.name : stack.environment.regions;
    return [
      `${stack.environment.name} › ${field} = ${JSON.stringify(value)} is not allowed; allowed: a shorter environment name: the ${stack.region} stack's role ${longest} has ${longest.length} characters, IAM allows ${MAX_ROLE_NAME_LENGTH}`,
    ];
  });
}

function parsePackagingOverride(raw: string | undefined, problems: string[]): LambdaPackaging | undefined {
  if (raw === undefined || raw === '') return undefined;
  if ((LAMBDA_PACKAGING_MODES as readonly string[]).includes(raw)) return raw as LambdaPackaging;
  problems.push(`LAMBDA_PACKAGING = ${JSON.stringify(raw)} is not allowed; allowed: one of ${LAMBDA_PACKAGING_MODES.join(', ')}`);
  return undefined;
}

/** Stack names, state keys and default resource names derive from the environment name. */
function duplicateNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of names) (seen.has(name) ? repeated : seen).add(name);
  return [...repeated].map((name) => `${name} › name = ${JSON.stringify(name)} is not allowed; allowed: each environment name only once`);
}

/** Resource names of one account and region live in one namespace. */
function sameAccountAndRegion(one: EnvironmentSettings, other: EnvironmentSettings): boolean {
  return one.accountId === other.accountId && one.region === other.region;
}

/**
 * Resource names are `ssm-agent-ops-<environment>-...` and the topic and key policies admit
 * `ssm-agent-ops-<environment>-*`: within one account and region, `dev`'s policies would admit the
 * alarms of `dev-x`, and `dev`'s monitor, which cleans up `ssm-agent-ops-dev-agent-*`, would delete
 * those of `dev-agent`. A stack outside its environment's home Region is named `<environment>-<Region
 * code>` and is checked under that name.
 */
function overlappingNamePrefixes(stacks: readonly StackPlace[]): string[] {
  const problems: string[] = [];
  for (const covered of stacks) {
    for (const covering of stacks) {
      const { environment } = covered;
      if (covering === covered || covering.environment.accountId !== environment.accountId || covering.region !== covered.region || !covered.basis.startsWith(`${covering.basis}-`)) continue;
      problems.push(
        `${environment.name} › name = ${JSON.stringify(environment.name)} is not allowed; allowed: a name that does not start with "${covering.basis}-" ` +
          `while environment ${covering.environment.name} shares its account (${environment.accountId}) and region (${covered.region}), ` +
          `because ${covering.environment.name}'s policy wildcards cover every ssm-agent-ops-${covering.basis}-* name`,
      );
    }
  }
  return problems;
}

/** Names the settings give resources directly must not be taken twice in one account and region. */
function sharedResourceNames(environments: readonly EnvironmentSettings[]): string[] {
  const fields = [
    { field: 'alerts.topicName', what: 'an SNS topic', nameOf: (environment: EnvironmentSettings) => environment.alerts.topicName },
    {
      field: 'accountDisplayName.parameterName',
      what: 'an SSM parameter',
      nameOf: (environment: EnvironmentSettings) => (environment.accountDisplayName.create ? environment.accountDisplayName.parameterName : undefined),
    },
  ];
  const problems: string[] = [];
  for (const { field, what, nameOf } of fields) {
    environments.forEach((environment, index) => {
      const name = nameOf(environment);
      if (name === undefined) return;
      // Two environments of one name are already reported as such.
      const earlier = environments
        .slice(0, index)
        .find((other) => other.name !== environment.name && sameAccountAndRegion(other, environment) && nameOf(other) === name);
      if (!earlier) return;
      problems.push(
        `${environment.name} › ${field} = ${JSON.stringify(name)} is not allowed; allowed: ${what} name that environment ${earlier.name} ` +
          `does not already create in the same account (${environment.accountId}) and region (${environment.region})`,
      );
    });
  }
  return problems;
}

/** One bucket lives in one region: environments sharing a state bucket must agree on it. */
function conflictingStateRegions(environments: readonly EnvironmentSettings[]): string[] {
  const regionByBucket = new Map<string, string>();
  const problems: string[] = [];
  for (const { name, state } of environments) {
    const region = regionByBucket.get(state.bucket);
    if (region === undefined) regionByBucket.set(state.bucket, state.region);
    else if (region !== state.region) {
      problems.push(`${name} › state.region = ${JSON.stringify(state.region)} is not allowed; allowed: ${JSON.stringify(region)}, the region other environments give the bucket ${state.bucket}`);
    }
  }
  return problems;
}

function environmentLabel(input: unknown, index: number): string {
  const name = (input as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : `environment #${index + 1}`;
}

function describeIssue(label: string, input: unknown, issue: z.core.$ZodIssue): string {
  const field = formatPath(issue.path) || '(settings)';
  // A bad record key is reported at the key's path; the offending value is the key itself.
  if (issue.code === 'invalid_key') {
    const key = issue.path[issue.path.length - 1];
    return `${label} › ${field}: key ${JSON.stringify(key)} is not allowed; allowed: ${issue.issues[0]?.message ?? issue.message}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `${label} › ${field}: unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}; allowed: only the fields documented in README "Configuration"`;
  }
  const value = valueAt(input, issue.path);
  if (value === undefined) {
    return issue.code === 'invalid_type'
      ? `${label} › ${field} is missing; it is required`
      : `${label} › ${field} is missing; allowed: ${issue.message}`;
  }
  return `${label} › ${field} = ${shortJson(value)} is not allowed; allowed: ${issue.message}`;
}

/** Long values (51 tags, a 5,000-character name) are cut, so that one problem stays one readable line. */
const MAX_SHOWN_VALUE_LENGTH = 120;

function shortJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.length <= MAX_SHOWN_VALUE_LENGTH ? json : `${json.slice(0, MAX_SHOWN_VALUE_LENGTH)}… (${json.length} characters)`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * Runs an app entry point; bad settings end it with their message and exit code 1 instead of a stack
 * trace, before anything is written.
 */
export function exitOnConfigurationError(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
