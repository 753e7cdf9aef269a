import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { Testing } from 'cdktf';
import { notifierEnvironment } from '../../../contract/notifier-environment';
import { SsmAgentOpsStack } from '../../../stacks/ssm-agent-ops-stack';
import { FakeAws } from '../../helpers/fake-aws';
import { FAILED_ASSOCIATION, FAILED_COMMAND, sampleEvent } from '../../helpers/sample-events';
import { BUNDLES_DIR, exampleSettings } from '../../helpers/synth';

const RUNTIME = join(__dirname, '..', '..', 'helpers', 'lambda-runtime.cjs');
const ACCOUNT = '333333333333';
const TOPIC_ARN = `arn:aws:sns:ap-northeast-1:${ACCOUNT}:OPE`;
const TABLE = 'ssm-agent-ops-prod-notifier-idempotency';

/** The packaged notifier as the synthesized prod stack deploys it: its zip, handler and environment. */
function packagedNotifier() {
  const stack = new SsmAgentOpsStack(Testing.app(), { settings: exampleSettings('prod', { lambdaPackaging: 'asset' }), bundlesDir: BUNDLES_DIR });
  const stackDir = join(Testing.fullSynth(stack), 'stacks', stack.node.id);
  const synthesized = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  const fn: any = Object.values(synthesized.resource.aws_lambda_function).find((candidate: any) => candidate.function_name.endsWith('-notifier'));

  const taskRoot = mkdtempSync(join(tmpdir(), 'ssm-agent-ops-task-'));
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(readFileSync(join(stackDir, fn.filename)))))) {
    mkdirSync(dirname(join(taskRoot, name)), { recursive: true });
    writeFileSync(join(taskRoot, name), bytes);
  }
  // References to other resources resolve at apply time; stand in the values AWS would give them.
  const references: Record<string, string> = { aws_sns_topic: TOPIC_ARN, aws_dynamodb_table: TABLE };
  const environment = Object.fromEntries(
    Object.entries(fn.environment.variables as Record<string, string>).map(([name, value]) => {
      const reference = /^\$\{(\w+)\.[^.]+\.\w+\}$/.exec(value);
      if (!reference) return [name, value];
      if (!references[reference[1]!]) throw new Error(`no stand-in for ${value} in ${name}`);
      return [name, references[reference[1]!]!];
    }),
  );
  return { taskRoot, handler: fn.handler as string, functionName: fn.function_name as string, environment };
}

function invoke(notifier: ReturnType<typeof packagedNotifier>, endpoint: string, events: unknown[]): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNTIME], {
      env: {
        PATH: process.env.PATH,
        ...notifier.environment,
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: 'ap-northeast-1',
        AWS_ACCESS_KEY_ID: 'artifact-test',
        AWS_SECRET_ACCESS_KEY: 'artifact-test',
        AWS_LAMBDA_FUNCTION_NAME: notifier.functionName,
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
    const functionArn = `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:function:${notifier.functionName}`;
    child.stdin.end(JSON.stringify({ taskRoot: notifier.taskRoot, handler: notifier.handler, functionArn, events }));
  });
}

describe('the packaged notifier', () => {
  const notifier = packagedNotifier();
  // Fresh identifiers, so that nothing about these runs can have been seen before.
  const updateCommand = randomUUID();
  const packageCommand = randomUUID();
  const associationId = randomUUID();
  const instanceId = 'i-0123456789abcdef0';

  const fake = new FakeAws(
    {
      GetParameter: ({ Name }) => ({ Parameter: { Name, Type: 'String', Value: '本番アカウント' } }),
      GetCommandInvocation: ({ CommandId }) => ({
        CommandId,
        InstanceId: instanceId,
        PluginName: CommandId === updateCommand ? 'aws:updateSsmAgent' : 'aws:configurePackage',
        Status: 'Failed',
        StandardErrorContent: CommandId === updateCommand ? 'Failed to download the SSM Agent installer' : 'Failed to install package',
      }),
      ListCommands: ({ CommandId }) => ({ Commands: [{ CommandId, Parameters: { action: ['Install'], name: ['AmazonCloudWatchAgent'] } }] }),
      DescribeAssociationExecutions: () => ({
        AssociationExecutions: [{ AssociationId: associationId, ExecutionId: randomUUID(), CreatedTime: Date.parse('2025-01-07T05:00:01Z') / 1000 }],
      }),
      DescribeAssociationExecutionTargets: () => ({
        AssociationExecutionTargets: [{ ResourceId: instanceId, Status: 'Failed', OutputSource: { OutputSourceType: 'RunCommand', OutputSourceId: packageCommand } }],
      }),
    },
    { [instanceId]: 'web-01' },
  );
  let endpoint: string;
  beforeAll(async () => (endpoint = await fake.start()));
  afterAll(() => fake.stop());

  it('is deployed with the handler and settings the stack gives it', () => {
    expect(notifier.handler).toBe('index.handler');
    expect(notifierEnvironment.decode(notifier.environment)).toMatchObject({ topicArn: TOPIC_ARN, idempotencyTable: TABLE, language: 'ja' });
  });

  it('mails each failed run once, whatever is delivered twice, with everything the operator needs', async () => {
    const ssmAgentFailure = sampleEvent(FAILED_COMMAND);
    ssmAgentFailure.id = randomUUID();
    ssmAgentFailure.time = '2025-01-07T21:51:32Z';
    ssmAgentFailure.detail['command-id'] = updateCommand;

    const packageAssociationFailure = sampleEvent(FAILED_ASSOCIATION);
    packageAssociationFailure.id = randomUUID();
    packageAssociationFailure.detail['association-id'] = associationId;
    const packageCommandFailure = sampleEvent(FAILED_COMMAND);
    packageCommandFailure.id = randomUUID();
    packageCommandFailure.detail['command-id'] = packageCommand;
    packageCommandFailure.detail['document-name'] = 'AWS-ConfigureAWSPackage';

    const results = await invoke(notifier, endpoint, [ssmAgentFailure, packageAssociationFailure, packageCommandFailure, ssmAgentFailure]);
    expect(results).toEqual([{ ok: true, result: null }, { ok: true, result: null }, { ok: true, result: null }, { ok: true, result: null }]);

    const mails = fake.published();
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.TopicArn).toBe(TOPIC_ARN);
      expect(mail.Subject.length).toBeLessThanOrEqual(99);
    }
    const [ssmAgentMail, packageMail] = mails;
    expect(ssmAgentMail!.Subject).toBe('【SSM 失敗通知】本番アカウント: AWS-UpdateSSMAgent 失敗 (Failed)');
    expect(ssmAgentMail!.Message).toContain('インスタンス i-0123456789abcdef0 (Name: web-01) の SSM Agent の更新が失敗しました');
    expect(ssmAgentMail!.Message).toContain('発生日時: 2025/01/08(水) 06:51:32 JST');
    expect(ssmAgentMail!.Message).toContain('Failed to download the SSM Agent installer');
    expect(ssmAgentMail!.Message).toContain(`https://ap-northeast-1.console.aws.amazon.com/systems-manager/run-command/${updateCommand}/${instanceId}?region=ap-northeast-1`);

    expect(packageMail!.Subject).toBe('【SSM 失敗通知】本番アカウント: AWS-ConfigureAWSPackage 失敗 (Failed)');
    expect(packageMail!.Message).toContain('CloudWatch Agent の更新が失敗しました (State Manager の関連付け');
    expect(packageMail!.Message).toContain('Failed to install package');
    expect(packageMail!.Message).toContain(`run-command/${packageCommand}/${instanceId}`);
    expect(fake.table.completed()).toHaveLength(2);
  });

  it('mails an event it cannot handle once, and reports success so that it is not retried', async () => {
    const before = fake.published().length;
    const malformed = { ...sampleEvent(FAILED_COMMAND), id: randomUUID(), detail: { status: 'Failed' } };
    expect(await invoke(notifier, endpoint, [malformed, malformed])).toEqual([{ ok: true, result: null }, { ok: true, result: null }]);
    const mails = fake.published().slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.Subject).toBe('【ssm-agent-ops 要確認】本番アカウント: 処理できないイベントを受信しました');
  });
});
