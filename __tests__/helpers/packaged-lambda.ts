import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { Testing } from 'cdktf';
import { SsmAgentOpsStack } from '../../stacks/ssm-agent-ops-stack';
import { BUNDLES_DIR, exampleSettings } from './synth';

const RUNTIME = join(__dirname, 'lambda-runtime.cjs');

/** A function of the synthesized prod stack, unpacked as Lambda would: its code, handler and environment. */
export interface PackagedFunction {
  taskRoot: string;
  handler: string;
  functionName: string;
  functionArn: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
}

/**
 * The prod function whose name ends with `nameSuffix`, as the synthesized stack deploys it: its zip
 * unpacked, its handler, and its environment with references to other resources replaced by the
 * values AWS would give them at apply time (`references`, by resource type).
 */
export function packagedFunction(nameSuffix: string, references: Record<string, string> = {}): PackagedFunction {
  const settings = exampleSettings('prod', { lambdaPackaging: 'asset' });
  const stack = new SsmAgentOpsStack(Testing.app(), { settings, bundlesDir: BUNDLES_DIR });
  const stackDir = join(Testing.fullSynth(stack), 'stacks', stack.node.id);
  const synthesized = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  const fn: any = Object.values(synthesized.resource.aws_lambda_function).find((candidate: any) => candidate.function_name.endsWith(nameSuffix));
  if (!fn) throw new Error(`the prod stack has no function ending with ${nameSuffix}`);

  const taskRoot = mkdtempSync(join(tmpdir(), 'ssm-agent-ops-task-'));
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(readFileSync(join(stackDir, fn.filename)))))) {
    mkdirSync(dirname(join(taskRoot, name)), { recursive: true });
    writeFileSync(join(taskRoot, name), bytes);
  }
  const environment = Object.fromEntries(
    Object.entries((fn.environment?.variables ?? {}) as Record<string, string>).map(([name, value]) => {
      const reference = /^\$\{(\w+)\.[^.]+\.\w+\}$/.exec(value);
      if (!reference) return [name, value];
      if (!references[reference[1]!]) throw new Error(`no stand-in for ${value} in ${name}`);
      return [name, references[reference[1]!]!];
    }),
  );
  const functionArn = `arn:aws:lambda:${settings.region}:${settings.accountId}:function:${fn.function_name}`;
  return { taskRoot, handler: fn.handler as string, functionName: fn.function_name as string, functionArn, timeoutSeconds: fn.timeout as number, environment };
}

/**
 * Runs the packaged function in a fresh Node.js process the way the Lambda runtime does, once per
 * event in order, with every AWS call going to `endpoint`. Resolves to one result per event. Calls
 * running at the same time are separate processes, as separate Lambda execution environments are.
 */
export function invokePackaged(fn: PackagedFunction, endpoint: string, events: unknown[]): Promise<{ ok: boolean; result?: unknown; error?: string }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNTIME], {
      env: {
        PATH: process.env.PATH,
        ...fn.environment,
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: fn.functionArn.split(':')[3],
        AWS_ACCESS_KEY_ID: 'artifact-test',
        AWS_SECRET_ACCESS_KEY: 'artifact-test',
        AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the packaged handler exited with ${code}: ${stderr}`));
      else resolve(stdout.trim().split('\n').map((line) => JSON.parse(line)));
    });
    child.stdin.end(JSON.stringify({ taskRoot: fn.taskRoot, handler: fn.handler, functionArn: fn.functionArn, timeoutSeconds: fn.timeoutSeconds, events }));
  });
}
