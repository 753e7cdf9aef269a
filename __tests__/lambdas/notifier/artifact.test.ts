import { randomUUID } from 'node:crypto';
import { ACCOUNT_DISPLAY_NAME, COMMAND_INVOCATIONS, INSTANCE_NAMES, cannedSsmAnswers } from '../../../fixtures/canned-aws';
import { FLEET, failedPackageAssociation, failedPackageInvocation, failedUpdateInvocation } from '../../../fixtures/events';
import { notifierEnvironment } from '../../../contract/notifier-environment';
import { throttled } from '../../helpers/aws-faults';
import { FakeAws } from '../../helpers/fake-aws';
import { invokePackaged, packagedFunction } from '../../helpers/packaged-lambda';

const TOPIC_ARN = `arn:aws:sns:ap-northeast-1:${FLEET.account}:OPE`;
const TABLE = 'ssm-agent-ops-prod-notifier-idempotency';

/** The failed step's output the fixture fleet gives for a command of that document. */
const stepOutputOf = (documentName: string) => COMMAND_INVOCATIONS.find((invocation) => invocation.DocumentName === documentName && invocation.Status === 'Failed')!;

describe('the packaged notifier', () => {
  const notifier = packagedFunction('-notifier', { aws_sns_topic: TOPIC_ARN, aws_dynamodb_table: TABLE });
  // Fresh identifiers, so that nothing about these runs can have been seen before.
  const updateCommand = randomUUID();
  const packageCommand = randomUUID();
  const associationId = randomUUID();
  const { webInstanceId, windowsInstanceId } = FLEET;

  const fake = new FakeAws(
    {
      GetParameter: ({ Name }) => ({ Parameter: { Name, Type: 'String', Value: ACCOUNT_DISPLAY_NAME.value } }),
      GetCommandInvocation: ({ CommandId, InstanceId }) => ({
        ...stepOutputOf(CommandId === updateCommand ? 'AWS-UpdateSSMAgent' : 'AWS-ConfigureAWSPackage'),
        CommandId,
        InstanceId,
      }),
      ListCommands: ({ CommandId }) => ({ Commands: [{ CommandId, Parameters: { action: ['Install'], name: ['AmazonCloudWatchAgent'] } }] }),
      DescribeAssociationExecutions: () => ({
        // The JSON protocol carries timestamps as epoch seconds.
        AssociationExecutions: [{ AssociationId: associationId, ExecutionId: randomUUID(), CreatedTime: Date.parse('2025-03-11T21:37:53.604Z') / 1000 }],
      }),
      DescribeAssociationExecutionTargets: () => ({
        AssociationExecutionTargets: [
          { ResourceId: windowsInstanceId, Status: 'Failed', OutputSource: { OutputSourceType: 'RunCommand', OutputSourceId: packageCommand } },
        ],
      }),
    },
    INSTANCE_NAMES,
  );
  let endpoint: string;
  beforeAll(async () => (endpoint = await fake.start()));
  afterAll(() => fake.stop());

  it('is deployed with the handler and settings the stack gives it', () => {
    expect(notifier.handler).toBe('index.handler');
    expect(notifierEnvironment.decode(notifier.environment)).toMatchObject({ topicArn: TOPIC_ARN, idempotencyTable: TABLE, language: 'ja' });
  });

  it('mails each failed run once, whatever is delivered twice, with everything the operator needs', async () => {
    const ssmAgentFailure = failedUpdateInvocation();
    ssmAgentFailure.id = randomUUID();
    ssmAgentFailure.detail['command-id'] = updateCommand;

    const packageAssociationFailure = failedPackageAssociation();
    packageAssociationFailure.id = randomUUID();
    packageAssociationFailure.detail['association-id'] = associationId;
    const packageCommandFailure = failedPackageInvocation();
    packageCommandFailure.id = randomUUID();
    packageCommandFailure.detail['command-id'] = packageCommand;

    const results = await invokePackaged(notifier, endpoint, [ssmAgentFailure, packageAssociationFailure, packageCommandFailure, ssmAgentFailure]);
    expect(results).toEqual([{ ok: true, result: null }, { ok: true, result: null }, { ok: true, result: null }, { ok: true, result: null }]);

    const mails = fake.published();
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.TopicArn).toBe(TOPIC_ARN);
      expect(mail.Subject.length).toBeLessThanOrEqual(99);
    }
    const [ssmAgentMail, packageMail] = mails;
    expect(ssmAgentMail!.Subject).toBe('【SSM 失敗通知】本番アカウント: AWS-UpdateSSMAgent 失敗 (Failed)');
    expect(ssmAgentMail!.Message).toContain('インスタンス i-036dd0598d3fe4cd7 (Name: web-01) の SSM Agent の更新が失敗しました');
    expect(ssmAgentMail!.Message).toContain('発生日時: 2025/03/11(火) 14:02:17 JST');
    expect(ssmAgentMail!.Message).toContain('dial tcp 52.219.152.10:443: i/o timeout');
    expect(ssmAgentMail!.Message).toContain(`https://ap-northeast-1.console.aws.amazon.com/systems-manager/run-command/${updateCommand}/${webInstanceId}?region=ap-northeast-1`);

    expect(packageMail!.Subject).toBe('【SSM 失敗通知】本番アカウント: AWS-ConfigureAWSPackage 失敗 (Failed)');
    expect(packageMail!.Message).toContain('インスタンス i-0c90ceacf4b0ea3e5 (Name: win-app-02) の CloudWatch Agent の更新が失敗しました (State Manager の関連付け');
    expect(packageMail!.Message).toContain('発生日時: 2025/03/12(水) 06:39:26 JST');
    expect(packageMail!.Message).toContain('msiexec: a fatal error occurred during installation (1603)');
    expect(packageMail!.Message).toContain(`run-command/${packageCommand}/${windowsInstanceId}`);
    expect(fake.table.completed()).toHaveLength(2);
  });

  it('mails an event it cannot handle once, and reports success so that it is not retried', async () => {
    const before = fake.published().length;
    const malformed = { ...failedUpdateInvocation(), id: randomUUID(), detail: { status: 'Failed' } };
    expect(await invokePackaged(notifier, endpoint, [malformed, malformed])).toEqual([{ ok: true, result: null }, { ok: true, result: null }]);
    const mails = fake.published().slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.Subject).toBe('【ssm-agent-ops 要確認】本番アカウント: 処理できないイベントを受信しました');
  });
});

// The packaged notifier as Lambda runs it, with the SDK's adaptive retries and their real waits.
describe('the packaged notifier under faults', () => {
  const notifier = packagedFunction('-notifier', { aws_sns_topic: TOPIC_ARN, aws_dynamodb_table: TABLE });
  let fake: FakeAws;
  let endpoint: string;
  beforeEach(async () => {
    fake = new FakeAws(cannedSsmAnswers(), INSTANCE_NAMES);
    endpoint = await fake.start();
  });
  afterEach(() => fake.stop());

  it('mails a run once when both of its events arrive at the same moment and the first takes longer than 15 seconds', async () => {
    // Two execution environments at once; the Run Command event takes the run's key first and is slow.
    fake.delay('SSM.GetCommandInvocation', 17_000);
    const [[command], [association]] = await Promise.all([
      invokePackaged(notifier, endpoint, [failedPackageInvocation()]),
      invokePackaged(notifier, endpoint, [failedPackageAssociation()]),
    ]);
    expect([command, association]).toEqual([{ ok: true, result: null }, { ok: true, result: null }]);
    expect(fake.published()).toHaveLength(1);
  });

  it('fails the association event while its run cannot be looked up, so that Lambda retries it, and never mails the run twice', async () => {
    fake.inject('SSM.DescribeAssociationExecutions', throttled('SSM.DescribeAssociationExecutions'));
    const [association, command] = await invokePackaged(notifier, endpoint, [failedPackageAssociation(), failedPackageInvocation()]);
    expect(association).toEqual({ ok: false, error: expect.stringContaining('DescribeAssociationExecutions failed (ThrottlingException)') });
    // The SDK's five attempts, each throttled.
    expect(fake.callsOf('SSM.DescribeAssociationExecutions')).toHaveLength(5);
    expect(command).toEqual({ ok: true, result: null });
    expect(fake.published()).toHaveLength(1);

    fake.heal();
    expect(await invokePackaged(notifier, endpoint, [failedPackageAssociation()])).toEqual([{ ok: true, result: null }]);
    expect(fake.published()).toHaveLength(1);
  });
});
