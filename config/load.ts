import { z } from 'zod';
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

  const environments: EnvironmentSettings[] = [];
  inputs.forEach((input, index) => {
    const label = environmentLabel(input, index);
    const result = environmentSchema.safeParse(input);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => describeIssue(label, input, issue)));
      return;
    }
    environments.push(packagingOverride ? { ...result.data, lambdaPackaging: packagingOverride } : result.data);
  });

  problems.push(...duplicateNames(environments.map((environment) => environment.name)));
  problems.push(...overlappingNamePrefixes(environments));
  problems.push(...sharedResourceNames(environments));
  problems.push(...conflictingStateRegions(environments));
  if (inputs.length === 0) problems.push('no environments are configured');

  if (problems.length > 0) throw new ConfigurationError(problems);
  return environments;
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
 * those of `dev-agent`.
 */
function overlappingNamePrefixes(environments: readonly EnvironmentSettings[]): string[] {
  const problems: string[] = [];
  for (const covered of environments) {
    for (const covering of environments) {
      if (covering === covered || !sameAccountAndRegion(covering, covered) || !covered.name.startsWith(`${covering.name}-`)) continue;
      problems.push(
        `${covered.name} › name = ${JSON.stringify(covered.name)} is not allowed; allowed: a name that does not start with "${covering.name}-" ` +
          `while environment ${covering.name} shares its account (${covering.accountId}) and region (${covering.region}), ` +
          `because ${covering.name}'s policy wildcards cover every ssm-agent-ops-${covering.name}-* name`,
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
