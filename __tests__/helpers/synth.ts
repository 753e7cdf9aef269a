import { join } from 'node:path';
import { Testing } from 'cdktf';
import { environments } from '../../config/environments';
import { loadEnvironments } from '../../config/load';
import type { EnvironmentInput, EnvironmentSettings } from '../../config/schema';
import { SsmAgentOpsStack } from '../../stacks/ssm-agent-ops-stack';

/** Synthesized Terraform JSON of one stack. */
export interface Synthesized {
  terraform: Record<string, any>;
  provider: Record<string, any[]>;
  resource: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output: Record<string, any>;
}

export const BUNDLES_DIR = join(__dirname, '..', '..', 'dist');

/** The example environment of that name, validated, with optional changes. */
export function exampleSettings(name: string, change: Partial<EnvironmentInput> = {}): EnvironmentSettings {
  const input = environments.find((environment) => environment.name === name);
  if (!input) throw new Error(`no example environment ${name}`);
  return loadEnvironments([{ ...input, ...change }])[0]!;
}

export function synthStack(settings: EnvironmentSettings): Synthesized {
  const stack = new SsmAgentOpsStack(Testing.app(), { settings, bundlesDir: BUNDLES_DIR });
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

/** The only resource of a type, failing when there is not exactly one. */
export function onlyResource(synthesized: Synthesized, type: string): any {
  const resources = Object.values(synthesized.resource[type] ?? {});
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0];
}

export function resourcesOf(synthesized: Synthesized, type: string): any[] {
  return Object.values(synthesized.resource[type] ?? {});
}

/** Statements of a policy attribute, parsed from its JSON string. */
export function statementsOf(policy: string): any[] {
  return (JSON.parse(policy) as { Statement: any[] }).Statement;
}

/** Replaces content hashes (asset folders, zip hashes) so snapshots only change when structure does. */
export function maskVolatile(text: string): string {
  return text
    .replace(/\b[A-F0-9]{32}\b/g, '<asset-hash>')
    .replace(/"source_code_hash": "[A-Za-z0-9+/]{43}="/g, '"source_code_hash": "<zip-sha256>"');
}
