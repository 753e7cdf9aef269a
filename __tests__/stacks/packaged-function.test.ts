import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { LambdaPackaging } from '../../config/schema';
import { zipDirectory } from '../../stacks/deterministic-zip';
import { environmentBytes, MAX_ENVIRONMENT_BYTES, PackagedFunction } from '../../stacks/packaged-function';
import { statementsOf } from '../helpers/synth';

const FIXTURE_BUNDLE = join(__dirname, '..', 'helpers', 'echo-bundle');

const callerStatement = {
  Sid: 'PublishAlerts',
  Effect: 'Allow' as const,
  Action: 'sns:Publish',
  Resource: 'arn:aws:sns:ap-northeast-1:111111111111:OPE',
};

function stackWithFunction(packaging: LambdaPackaging, bundleDir = FIXTURE_BUNDLE) {
  const stack = new TerraformStack(Testing.app(), 'fixture');
  new AwsProvider(stack, 'aws', { region: 'ap-northeast-1' });
  const packaged = new PackagedFunction(stack, 'echo', {
    functionName: 'ssm-agent-ops-dev-echo',
    description: 'Echoes its event',
    bundleDir,
    packaging,
    logRetentionDays: 30,
    environment: { ECHO_PREFIX: 'echo: ' },
  });
  packaged.addToRolePolicy(callerStatement);
  return { stack, packaged };
}

function only(synthesized: any, type: string, kind = 'resource'): any {
  const values = Object.values(synthesized[kind]?.[type] ?? {});
  expect(values).toHaveLength(1);
  return values[0];
}

describe('PackagedFunction', () => {
  it.each<LambdaPackaging>(['asset', 'archive'])('runs on nodejs22.x with its own log group and role (%s mode)', (mode) => {
    const synthesized = JSON.parse(Testing.synth(stackWithFunction(mode).stack));
    const fn = only(synthesized, 'aws_lambda_function');
    expect(fn).toEqual(
      expect.objectContaining({
        function_name: 'ssm-agent-ops-dev-echo',
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        architectures: ['arm64'],
        environment: { variables: { ECHO_PREFIX: 'echo: ' } },
        logging_config: { log_format: 'JSON', log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.\S+\.name\}$/) },
      }),
    );
    expect(fn.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./), expect.stringMatching(/^aws_iam_role_policy\./)]),
    );
    expect(only(synthesized, 'aws_cloudwatch_log_group')).toEqual(
      expect.objectContaining({ name: '/aws/lambda/ssm-agent-ops-dev-echo', retention_in_days: 30 }),
    );
  });

  it('grants what the caller states plus writing its own logs, and nothing else', () => {
    const synthesized = JSON.parse(Testing.synth(stackWithFunction('asset').stack));
    expect(statementsOf(only(synthesized, 'aws_iam_role').assume_role_policy)).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(statementsOf(only(synthesized, 'aws_iam_role_policy').policy)).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.\S+\.arn\}:\*$/),
      },
      callerStatement,
    ]);
  });

  it('renders statements added after construction into its one policy, and refuses a statement name twice', () => {
    const { stack, packaged } = stackWithFunction('asset');
    const later = { Sid: 'ReadLater', Effect: 'Allow' as const, Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:ap-northeast-1:111111111111:parameter/x' };
    packaged.addToRolePolicy(later);
    const synthesized = JSON.parse(Testing.synth(stack));
    expect(statementsOf(only(synthesized, 'aws_iam_role_policy').policy).map((statement) => statement.Sid)).toEqual(['WriteOwnLogs', 'PublishAlerts', 'ReadLater']);
    expect(() => packaged.addToRolePolicy(later)).toThrow('fixture/echo already has a policy statement ReadLater');
  });

  it('exposes its name and ARN for others to refer to', () => {
    const { stack, packaged } = stackWithFunction('asset');
    new TerraformOutput(stack, 'name', { value: packaged.functionName });
    new TerraformOutput(stack, 'arn', { value: packaged.functionArn });
    const { output } = JSON.parse(Testing.synth(stack));
    expect(output.name.value).toMatch(/^\$\{aws_lambda_function\.echo_function_\S+\.function_name\}$/);
    expect(output.arn.value).toMatch(/^\$\{aws_lambda_function\.echo_function_\S+\.arn\}$/);
  });

  describe('asset mode', () => {
    it('writes the zip into the stack directory, referenced by a relative path, with its base64 SHA-256', () => {
      const { stack } = stackWithFunction('asset');
      const outdir = Testing.fullSynth(stack);
      const stackDir = join(outdir, 'stacks', 'fixture');
      const fn = only(JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')), 'aws_lambda_function');

      expect(fn.filename).toMatch(/^assets\/[^/]+\/[A-F0-9]{32}\/ssm-agent-ops-dev-echo\.zip$/);
      const zip = readFileSync(join(stackDir, fn.filename));
      expect(fn.source_code_hash).toBe(createHash('sha256').update(zip).digest('base64'));

      const entries = unzipSync(new Uint8Array(zip));
      expect(Object.keys(entries)).toEqual(['index.js']);
      expect(Buffer.from(entries['index.js']!).equals(readFileSync(join(FIXTURE_BUNDLE, 'index.js')))).toBe(true);
    });

    it('needs no provider besides AWS', () => {
      const synthesized = JSON.parse(Testing.synth(stackWithFunction('asset').stack));
      expect(Object.keys(synthesized.provider)).toEqual(['aws']);
      expect(synthesized.data).toBeUndefined();
    });
  });

  describe('archive mode', () => {
    it('copies the bundle into the stack and lets archive_file zip it with a fixed file mode', () => {
      const synthesized = JSON.parse(Testing.synth(stackWithFunction('archive').stack));
      expect(Object.keys(synthesized.provider).sort()).toEqual(['archive', 'aws']);
      const archive = only(synthesized, 'archive_file', 'data');
      expect(archive).toEqual(
        expect.objectContaining({
          type: 'zip',
          source_dir: expect.stringMatching(/^assets\/[^/]+\/[A-F0-9]{32}$/),
          output_path: '${path.module}/build/ssm-agent-ops-dev-echo.zip',
          output_file_mode: '0644',
        }),
      );
      const fn = only(synthesized, 'aws_lambda_function');
      expect(fn.filename).toMatch(/^\$\{data\.archive_file\.\S+\.output_path\}$/);
      expect(fn.source_code_hash).toMatch(/^\$\{data\.archive_file\.\S+\.output_base64sha256\}$/);
    });
  });

  it('refuses at synth an environment larger than Lambda allows, naming the function and the sizes', () => {
    const { stack, packaged } = stackWithFunction('asset');
    packaged.addEnvironment({ HUB_SPOKES: 'x'.repeat(MAX_ENVIRONMENT_BYTES) });
    expect(() => Testing.synth(stack, true)).toThrow(/ssm-agent-ops-dev-echo: its environment variables take about 41\d\d bytes; Lambda allows 4096/);
  });

  it('counts a reference to another resource at a resource name’s length until Terraform resolves it', () => {
    const { stack, packaged } = stackWithFunction('asset');
    packaged.addEnvironment({ OWN_ARN: packaged.functionArn });
    expect(environmentBytes({ OWN_ARN: packaged.functionArn })).toBe('OWN_ARN'.length + 64);
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  it('refuses a bundle that has not been built, saying how to build it', () => {
    expect(() => stackWithFunction('asset', join(FIXTURE_BUNDLE, 'missing'))).toThrow(
      /Lambda bundle for ssm-agent-ops-dev-echo not found at .*missing\/index\.js; run "npm run build" first/,
    );
  });
});

describe('zipDirectory', () => {
  it('gives the same bytes for the same files, whatever the time zone', () => {
    const first = zipDirectory(FIXTURE_BUNDLE);
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(zipDirectory(FIXTURE_BUNDLE).equals(first)).toBe(true);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
