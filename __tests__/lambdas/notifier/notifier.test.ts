import { PublishCommand } from '@aws-sdk/client-sns';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { SSMServiceException } from '@aws-sdk/client-ssm';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  DescribeAssociationExecutionsCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
} from '@aws-sdk/client-ssm';
import { DescribeTagsCommand } from '@aws-sdk/client-ec2';
import { FAILED_ASSOCIATION, FAILED_COMMAND, SCHEDULED, SUCCEEDED_COMMAND, sampleEvent } from '../../helpers/sample-events';
import { COMMAND_ID, DISPLAY_NAME_PARAMETER, INSTANCE_ID, notifierHarness } from './harness';

function awsError<T extends new (options: any) => Error>(type: T, name: string, message = name): Error {
  return new type({ name, message, $fault: 'client', $metadata: {} });
}

function packageFailure() {
  const event = sampleEvent(FAILED_COMMAND);
  event.detail['document-name'] = 'AWS-ConfigureAWSPackage';
  return event;
}

describe('notifier', () => {
  describe('a failed run', () => {
    it('becomes one Japanese mail with everything the operator needs', async () => {
      const notifier = notifierHarness();
      await notifier.handler(packageFailure());

      expect(notifier.mails()).toHaveLength(1);
      const [mail] = notifier.mails();
      expect(mail!.TopicArn).toBe('arn:aws:sns:ap-northeast-1:123456789012:OPE');
      expect(mail!.Subject).toBe('【SSM 失敗通知】本番アカウント: AWS-ConfigureAWSPackage 失敗 (Failed)');
      expect(mail!.Message).toContain('インスタンス i-0123456789abcdef0 (Name: web-01) の CloudWatch Agent の更新が失敗しました');
      expect(mail!.Message).toContain('ドキュメント: AWS-ConfigureAWSPackage (パッケージ: AmazonCloudWatchAgent)');
      expect(mail!.Message).toContain('発生日時: 2025/01/07(火) 14:00:41 JST');
      expect(mail!.Message).toContain('■ エラー出力 (失敗したステップ: aws:configurePackage)\n----------\nfailed to download installer: timeout');
      expect(mail!.Message).toContain(`run-command/${COMMAND_ID}/${INSTANCE_ID}?region=ap-northeast-1`);
      expect(notifier.ssm.commandCalls(GetCommandInvocationCommand)[0]!.args[0].input).toEqual({ CommandId: COMMAND_ID, InstanceId: INSTANCE_ID });
    });

    it('reads the command output of the failed step when the document has several steps', async () => {
      const notifier = notifierHarness();
      notifier.ssm.on(GetCommandInvocationCommand, { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID }).rejects(
        awsError(SSMServiceException, 'InvalidPluginName'),
      );
      notifier.ssm.on(ListCommandInvocationsCommand).resolves({
        CommandInvocations: [{ CommandPlugins: [{ Name: 'prepare', Status: 'Success' }, { Name: 'install', Status: 'Failed' }] }],
      });
      notifier.ssm
        .on(GetCommandInvocationCommand, { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID, PluginName: 'install' })
        .resolves({ PluginName: 'install', StandardErrorContent: 'exit status 2' });
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      expect(notifier.mails()[0]!.Message).toContain('(失敗したステップ: install)\n----------\nexit status 2');
    });

    it('still mails, with the account ID, when the display name parameter is missing', async () => {
      const notifier = notifierHarness();
      notifier.ssm.on(GetParameterCommand).rejects(awsError(SSMServiceException, 'ParameterNotFound'));
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Subject).toBe('【SSM 失敗通知】123456789012: AWS-UpdateSSMAgent 失敗 (Failed)');
      expect(notifier.mails()[0]!.Message).toContain('アカウント: 123456789012\n');
    });

    it('mails the display name kept in a SecureString parameter in plain text, not as ciphertext', async () => {
      const notifier = notifierHarness();
      // As SSM answers for a SecureString: the value is ciphertext unless it is read with decryption.
      notifier.ssm.on(GetParameterCommand).callsFake(({ Name, WithDecryption }) => ({
        Parameter: { Name, Type: 'SecureString', Value: WithDecryption ? '本番アカウント' : 'AQICAHhHkqfBQn5wQ0T8W2aOq6rZAAAAbjBsBgkqhkiG9w0BBwagXzBdAgEAMFgGCSqGSIb3DQEHATAeBglghkgBZQMEAS4wEQQM' },
      }));
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      expect(notifier.mails()[0]!.Subject).toBe('【SSM 失敗通知】本番アカウント: AWS-UpdateSSMAgent 失敗 (Failed)');
      expect(notifier.mails()[0]!.Message).toContain('アカウント: 本番アカウント (123456789012)\n');
      expect(notifier.ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({ Name: DISPLAY_NAME_PARAMETER, WithDecryption: true });
    });

    it('reads the display name once and reuses it', async () => {
      const notifier = notifierHarness();
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      const second = sampleEvent(FAILED_COMMAND);
      second.detail['command-id'] = 'another-command';
      await notifier.handler(second);
      expect(notifier.mails()).toHaveLength(2);
      expect(notifier.ssm.commandCalls(GetParameterCommand, { Name: DISPLAY_NAME_PARAMETER })).toHaveLength(1);
    });

    it.each([
      ['denied', awsError(SSMServiceException, 'AccessDeniedException'), 'ssm:GetCommandInvocation の権限がありません'],
      ['not found', awsError(SSMServiceException, 'InvocationDoesNotExist'), 'コマンドの実行結果が見つかりません'],
      ['throttled', awsError(SSMServiceException, 'ThrottlingException'), '一時的なエラーのため取得できませんでした'],
    ])('still mails when GetCommandInvocation is %s, saying why the output is missing', async (_case, error, explanation) => {
      const notifier = notifierHarness();
      notifier.ssm.on(GetCommandInvocationCommand).rejects(error);
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain(explanation);
    });

    it('still mails without the Name tag when EC2 refuses to tell it', async () => {
      const notifier = notifierHarness();
      notifier.ec2.on(DescribeTagsCommand).rejects(awsError(EC2ServiceException, 'UnauthorizedOperation'));
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      expect(notifier.mails()[0]!.Message).toContain('インスタンス: i-0123456789abcdef0\n');
    });
  });

  describe('one mail per failed run', () => {
    it('ignores a second delivery of the same event', async () => {
      const notifier = notifierHarness();
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      expect(notifier.mails()).toHaveLength(1);
    });

    it('sends one mail for the Run Command event and the State Manager event of the same run', async () => {
      const notifier = notifierHarness();
      await notifier.handler(sampleEvent(FAILED_ASSOCIATION));
      await notifier.handler(packageFailure());
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain('(State Manager の関連付け、状態: Failed)');
      expect(notifier.table.completed()).toHaveLength(1);
    });

    it('sends one mail when both events of a run arrive at the same moment', async () => {
      const notifier = notifierHarness();
      await Promise.all([notifier.handler(packageFailure()), notifier.handler(sampleEvent(FAILED_ASSOCIATION))]);
      expect(notifier.mails()).toHaveLength(1);
    });

    it('mails two failed runs of the same command on two instances separately', async () => {
      const notifier = notifierHarness();
      const other = sampleEvent(FAILED_COMMAND);
      other.detail['instance-id'] = 'i-0fedcba9876543210';
      await notifier.handler(sampleEvent(FAILED_COMMAND));
      await notifier.handler(other);
      expect(notifier.mails()).toHaveLength(2);
    });

    it('mails an association failure whose command cannot be identified, once', async () => {
      const notifier = notifierHarness();
      notifier.ssm.on(DescribeAssociationExecutionsCommand).rejects(awsError(SSMServiceException, 'AccessDeniedException'));
      await notifier.handler(sampleEvent(FAILED_ASSOCIATION));
      await notifier.handler(sampleEvent(FAILED_ASSOCIATION));
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain('この関連付けの実行に対応するコマンドを特定できなかった');
      expect(notifier.ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
    });
  });

  describe('failures', () => {
    it('lets a throttled publish fail so that Lambda retries it, and the retry mails', async () => {
      const notifier = notifierHarness();
      notifier.sns
        .on(PublishCommand)
        .rejectsOnce(awsError(SNSServiceException, 'Throttling', 'Rate exceeded'))
        .resolves({ MessageId: 'message-2' });
      await expect(notifier.handler(sampleEvent(FAILED_COMMAND))).rejects.toThrow('Rate exceeded');
      expect(notifier.table.items.size).toBe(0);

      await notifier.handler(sampleEvent(FAILED_COMMAND));
      expect(notifier.sns.commandCalls(PublishCommand)).toHaveLength(2);
      expect(notifier.table.completed()).toHaveLength(1);
    });

    it('mails a malformed event once, without failing, so that it is not retried', async () => {
      const notifier = notifierHarness();
      const malformed = sampleEvent(FAILED_COMMAND);
      delete malformed.detail['instance-id'];
      await expect(notifier.handler(malformed)).resolves.toBeUndefined();
      await notifier.handler(malformed);

      expect(notifier.mails()).toHaveLength(1);
      const [mail] = notifier.mails();
      expect(mail!.Subject).toBe('【ssm-agent-ops 要確認】本番アカウント: 処理できないイベントを受信しました');
      expect(mail!.Message).toContain('- detail.instance-id: missing');
      expect(mail!.Message).toContain('イベント ID: 11111111-2222-4333-8444-555555555555');
      expect(mail!.Message).toContain('"command-id": "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9"');
      expect(mail!.Message).toContain('■ 対応手順: 通知・監視 Lambda の障害');
    });

    it.each([
      ['an event of another kind', sampleEvent(SCHEDULED), 'detail-type is not one the notifier handles'],
      ['a status that is not watched', sampleEvent(SUCCEEDED_COMMAND), 'detail.status "Success" is not a watched status'],
      ['something that is not an event', 'hello', 'the event is not a JSON object'],
    ])('mails %s as unexpected', async (_case, event, problem) => {
      const notifier = notifierHarness();
      await notifier.handler(event);
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain(problem);
    });

    it('lets an unexpected event whose mail cannot be published fail, so that it is retried', async () => {
      const notifier = notifierHarness();
      notifier.sns.on(PublishCommand).rejects(awsError(SNSServiceException, 'InternalError', 'SNS unavailable'));
      await expect(notifier.handler(sampleEvent(SCHEDULED))).rejects.toThrow('SNS unavailable');
    });
  });

  it('writes in English when configured', async () => {
    const notifier = notifierHarness({ language: 'en' });
    await notifier.handler(sampleEvent(FAILED_COMMAND));
    expect(notifier.mails()[0]!.Subject).toBe('[SSM failure] 本番アカウント: AWS-UpdateSSMAgent Failed');
    expect(notifier.mails()[0]!.Message).toContain('When: Tue 2025-01-07 14:00:41 JST');
  });
});
