/**
 * Real-Terraform check of every environment's stack: synthesizes all stacks twice in `asset` mode and
 * requires byte-identical output, copies each stack directory elsewhere (it must be relocatable), and
 * runs offline `terraform init`, `validate` and `plan` against the provider mirror named by
 * TF_PLUGIN_MIRROR. Skips loudly when Terraform or the mirror is not available, except in CI (the
 * environment variable CI set, as CI services and `.ci/run` set it), where that is a failure: CI must
 * prove the stacks plan.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listFiles } from '../stacks/deterministic-zip';
import { startOfflineSts, type OfflineSts } from './offline-sts';

const ROOT = resolve(__dirname, '..');

/** Resource types every environment's plan must create. */
export const EXPECTED_RESOURCE_TYPES = [
  'aws_cloudwatch_dashboard',
  'aws_cloudwatch_event_rule',
  'aws_cloudwatch_event_target',
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_metric_alarm',
  'aws_dynamodb_table',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_kms_alias',
  'aws_kms_key',
  'aws_lambda_function',
  'aws_lambda_function_event_invoke_config',
  'aws_lambda_invocation',
  'aws_lambda_permission',
  'aws_sns_topic',
  'aws_sns_topic_policy',
  'aws_sns_topic_subscription',
  'aws_sqs_queue',
  'aws_sqs_queue_policy',
  'aws_ssm_association',
  'aws_ssm_parameter',
] as const;

/**
 * Resource types particular environments' plans must create besides: the example stg environment has
 * a Slack channel configured (through the provider for its chat configuration Region), dev only the
 * chat topic, prod no chat.
 */
export const EXPECTED_RESOURCE_TYPES_BY_STACK: Readonly<Record<string, readonly string[]>> = {
  'ssm-agent-ops-stg': ['aws_chatbot_slack_channel_configuration', 'aws_cloudwatch_log_metric_filter'],
  'ssm-agent-ops-dev': ['aws_cloudwatch_log_metric_filter'],
  // The hub owns its bus, admits the spokes' accounts and relays their self-monitoring alarms.
  'ssm-agent-ops-ops-hub': ['aws_cloudwatch_event_bus', 'aws_cloudwatch_event_bus_policy'],
};

/**
 * What a spoke's plan creates: the regional part, the forwarding to its hub and the read role. No
 * topic, subscription, notifier, chat or dashboard: the hub mails for it.
 */
export const EXPECTED_SPOKE_RESOURCE_TYPES = [
  'aws_cloudwatch_event_rule',
  'aws_cloudwatch_event_target',
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_metric_alarm',
  'aws_dynamodb_table',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_lambda_function',
  'aws_lambda_permission',
  'aws_sqs_queue',
  'aws_sqs_queue_policy',
  'aws_ssm_association',
  'aws_ssm_parameter',
] as const;
/** What only a stack that mails has; a spoke's plan must create none of it. */
export const HUB_ONLY_RESOURCE_TYPES = ['aws_sns_topic', 'aws_sns_topic_subscription', 'aws_cloudwatch_dashboard', 'aws_chatbot_slack_channel_configuration'] as const;
/** The example's spoke stacks. */
export const SPOKE_STACKS = ['ssm-agent-ops-web', 'ssm-agent-ops-web-use1', 'ssm-agent-ops-batch'] as const;

/** Resource types every state-bucket bootstrap stack's plan must create. */
export const EXPECTED_BOOTSTRAP_RESOURCE_TYPES = [
  'aws_s3_bucket',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning',
] as const;

/** What makes an AWS provider configuration plannable offline. */
const OFFLINE_PROVIDER = {
  access_key: 'offline-check',
  secret_key: 'offline-check',
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: 'true',
  skip_region_validation: true,
  // The dummy credentials belong to no account, so the account guard has nothing to compare.
  allowed_account_ids: null,
};

/**
 * Makes the synthesized stack plannable offline without touching any of its own files. An override
 * file's provider block overrides the configuration of the same name and alias, so every aliased AWS
 * provider (the chat configuration's) gets one of its own.
 *
 * A stack whose providers assume a deploy role keeps its `assume_role` and its `allowed_account_ids`:
 * only STS is pointed at the local endpoint, which the provider asks for the role's credentials and
 * then for their account, which must be the one allowed. The plan thereby goes through the same
 * role chain a pipeline's does, up to the first call to a real service.
 */
function offlineOverride(aliases: readonly string[], stsUrl: string | undefined) {
  const provider = stsUrl
    ? { ...OFFLINE_PROVIDER, skip_requesting_account_id: false, allowed_account_ids: undefined, endpoints: [{ sts: stsUrl }] }
    : OFFLINE_PROVIDER;
  return {
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    provider: { aws: [provider, ...aliases.map((alias) => ({ alias, ...provider }))] },
  };
}

interface SynthesizedProvider {
  alias?: string;
  assume_role?: { role_arn: string; external_id?: string; session_name?: string }[];
}

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

async function mustRun(label: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${label} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** True when running in CI: CI set to anything but empty, `false` or `0`. */
function inCi(environment: NodeJS.ProcessEnv): boolean {
  const value = environment.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

function skip(reason: string): never {
  const line = '!'.repeat(78);
  if (inCi(process.env)) {
    console.error(`${line}\n!!! FAILED: real-Terraform checks cannot run, and CI must run them (CI=${process.env.CI}).\n!!! ${reason}\n${line}`);
    process.exit(1);
  }
  console.log(`${line}\n!!! SKIPPED: real-Terraform checks did not run.\n!!! ${reason}\n${line}`);
  process.exit(0);
}

function compareTrees(first: string, second: string): string[] {
  const firstFiles = listFiles(first);
  const secondFiles = listFiles(second);
  const differences: string[] = [];
  for (const file of new Set([...firstFiles, ...secondFiles])) {
    const a = join(first, file);
    const b = join(second, file);
    if (!existsSync(a) || !existsSync(b)) differences.push(`${file}: only in one synth`);
    else if (!readFileSync(a).equals(readFileSync(b))) differences.push(`${file}: contents differ`);
  }
  return differences;
}

function synth(entry: string, outdir: string) {
  return mustRun(`synth of ${entry}`, process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { CDKTF_OUTDIR: outdir, LAMBDA_PACKAGING: 'asset' },
  });
}

function stacksOf(outdir: string): [string, string][] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { workingDirectory: string }> };
  return Object.entries(manifest.stacks).map(([stack, entry]) => [stack, join(outdir, entry.workingDirectory)]);
}

interface PlannedChange {
  address: string;
  type: string;
  change: { actions: string[] };
}

async function checkStack(
  stack: string,
  sourceDir: string,
  workDir: string,
  mirror: string,
  expectedTypes: readonly string[],
  forbiddenTypes: readonly string[] = [],
): Promise<string> {
  // One endpoint per stack, so that what it was asked can be told apart.
  const sts = await startOfflineSts();
  try {
    return await planStack(stack, sourceDir, workDir, mirror, expectedTypes, forbiddenTypes, sts);
  } finally {
    await sts.close();
  }
}

async function planStack(
  stack: string,
  sourceDir: string,
  workDir: string,
  mirror: string,
  expectedTypes: readonly string[],
  forbiddenTypes: readonly string[],
  sts: OfflineSts,
): Promise<string> {
  const dir = join(workDir, stack);
  cpSync(sourceDir, dir, { recursive: true });
  const stackJson = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as { provider?: { aws?: SynthesizedProvider[] } };
  const providers = stackJson.provider?.aws ?? [];
  const aliases = providers.flatMap((provider) => (provider.alias ? [provider.alias] : []));
  const roles = providers.flatMap((provider) => provider.assume_role ?? []);
  if (roles.length > 0 && roles.length !== providers.length) throw new Error(`${stack}: only some of its AWS providers assume the deploy role`);
  writeFileSync(join(dir, 'zz_offline_override.tf.json'), JSON.stringify(offlineOverride(aliases, roles.length > 0 ? sts.url : undefined), null, 2));
  const env = {
    TF_CLI_CONFIG_FILE: '/dev/null',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: 'offline-check',
    AWS_SECRET_ACCESS_KEY: 'offline-check',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const options = { cwd: dir, env };
  await mustRun(`${stack}: terraform init`, 'terraform', ['init', '-input=false', `-plugin-dir=${mirror}`, '-no-color'], options);
  await mustRun(`${stack}: terraform validate`, 'terraform', ['validate', '-no-color'], options);
  await mustRun(`${stack}: terraform plan`, 'terraform', ['plan', '-input=false', '-lock=false', '-no-color', '-out=offline.tfplan'], options);
  const shown = await mustRun(`${stack}: terraform show`, 'terraform', ['show', '-json', 'offline.tfplan'], options);

  const changes = (JSON.parse(shown.stdout) as { resource_changes?: PlannedChange[] }).resource_changes ?? [];
  const created = changes.filter((change) => change.change.actions.includes('create'));
  const plannedTypes = new Set(created.map((change) => change.type));
  const missing = expectedTypes.filter((type) => !plannedTypes.has(type));
  if (missing.length > 0) throw new Error(`${stack}: plan creates no ${missing.join(', ')}`);
  const unexpected = forbiddenTypes.filter((type) => plannedTypes.has(type));
  if (unexpected.length > 0) throw new Error(`${stack}: plan creates ${unexpected.join(', ')}, which only a hub may have`);
  for (const role of roles) {
    const assumed = sts.calls.some(
      (call) => call.roleArn === role.role_arn && call.externalId === role.external_id && (role.session_name === undefined || call.sessionName === role.session_name),
    );
    if (!assumed) throw new Error(`${stack}: the plan never assumed ${role.role_arn} as configured`);
  }
  const account = roles[0]?.role_arn.split(':')[4];
  if (account && (sts.identities.length === 0 || sts.identities.some((identity) => identity !== account))) {
    throw new Error(`${stack}: the provider did not check its assumed identity's account against allowed_account_ids (asked for: ${sts.identities.join(', ') || 'nothing'})`);
  }

  const synthesized = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, object> };
  const declared = Object.entries(synthesized.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `${type}.${name}`),
  );
  const createdAddresses = new Set(created.map((change) => change.address));
  const notCreated = declared.filter((address) => !createdAddresses.has(address));
  if (notCreated.length > 0) throw new Error(`${stack}: plan does not create ${notCreated.join(', ')}`);
  const through = roles.length > 0 ? ` through ${roles[0]!.role_arn}` : '';
  return `${stack}: init, validate and plan passed${through}; ${created.length} resources to create (${[...plannedTypes].sort().join(', ')})`;
}

async function main() {
  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (terraform.error || terraform.status !== 0) skip('terraform is not on the PATH.');
  const mirror = process.env.TF_PLUGIN_MIRROR;
  if (!mirror) skip('TF_PLUGIN_MIRROR is not set (the directory that holds registry.terraform.io/...).');
  if (!existsSync(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'))) {
    throw new Error(`TF_PLUGIN_MIRROR=${mirror} holds no registry.terraform.io/hashicorp/aws provider.`);
  }
  console.log(`Using ${terraform.stdout.split('\n')[0]} with providers from ${mirror}`);

  const workDir = mkdtempSync(join(tmpdir(), 'ssm-agent-ops-tf-'));
  try {
    const [first, second, bootstrap] = [join(workDir, 'synth-a'), join(workDir, 'synth-b'), join(workDir, 'bootstrap')];
    await Promise.all([synth('main.ts', first), synth('main.ts', second), synth('bootstrap.ts', bootstrap)]);
    const differences = compareTrees(first, second);
    if (differences.length > 0) throw new Error(`Two synths of the same commit differ:\n  ${differences.join('\n  ')}`);
    console.log(`Two synths are byte-identical (${listFiles(first).length} files).`);

    const relocated = join(workDir, 'relocated');
    const results = await Promise.all([
      ...stacksOf(first).map(([stack, dir]) =>
        (SPOKE_STACKS as readonly string[]).includes(stack)
          ? checkStack(stack, dir, relocated, mirror, EXPECTED_SPOKE_RESOURCE_TYPES, HUB_ONLY_RESOURCE_TYPES)
          : checkStack(stack, dir, relocated, mirror, [...EXPECTED_RESOURCE_TYPES, ...(EXPECTED_RESOURCE_TYPES_BY_STACK[stack] ?? [])]),
      ),
      ...stacksOf(bootstrap).map(([stack, dir]) => checkStack(stack, dir, relocated, mirror, EXPECTED_BOOTSTRAP_RESOURCE_TYPES)),
    ]);
    for (const line of results) console.log(line);
    console.log(`Real-Terraform checks passed for ${results.length} stacks.`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
