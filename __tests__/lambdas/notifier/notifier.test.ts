import { PublishCommand } from '@aws-sdk/client-sns';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { SSMServiceException } from '@aws-sdk/client-ssm';
import { GetResourcesCommand, ResourceGroupsTaggingAPIServiceException } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
} from '@aws-sdk/client-ssm';
import { ACCOUNT_DISPLAY_NAME } from '../../../fixtures/canned-aws';
import {
  FLEET,
  failedPackageAssociation,
  failedPackageInvocation,
  failedUpdateInvocation,
  scheduledEvent,
  succeededUpdateInvocation,
} from '../../../fixtures/events';
import { notifierHarness } from './harness';

function awsError<T extends new (options: any) => Error>(type: T, name: string, message = name): Error {
  return new type({ name, message, $fault: 'client', $metadata: {} });
}


describe('notifier', () => {
  describe('a failed run', () => {
    it('becomes one Japanese mail with everything the operator needs, dated in JST', async () => {
      const notifier = notifierHarness();
      await notifier.handler(failedPackageInvocation());

      expect(notifier.mails()).toHaveLength(1);
      const [mail] = notifier.mails();
      expect(mail!.TopicArn).toBe('arn:aws:sns:ap-northeast-1:333333333333:OPE');
      expect(mail!.Subject).toBe('【SSM 失敗通知】本番アカウント: AWS-ConfigureAWSPackage 失敗 (Failed)');
      expect(mail!.Message).toContain('インスタンス i-0c90ceacf4b0ea3e5 (Name: win-app-02) の CloudWatch Agent の更新が失敗しました');
      expect(mail!.Message).toContain('ドキュメント: AWS-ConfigureAWSPackage (パッケージ: AmazonCloudWatchAgent)');
      // 21:39:05 UTC on Tuesday is Wednesday morning in Tokyo.
      expect(mail!.Message).toContain('発生日時: 2025/03/12(水) 06:39:05 JST');
      expect(mail!.Message).toContain(
        '■ エラー出力 (失敗したステップ: aws:configurePackage)\n----------\ninstall action of AmazonCloudWatchAgent exited with status 1603\nmsiexec: a fatal error occurred during installation (1603)',
      );
      expect(mail!.Message).toContain(`run-command/${FLEET.packageCommandId}/${FLEET.windowsInstanceId}?region=ap-northeast-1`);
      expect(notifier.ssm.commandCalls(GetCommandInvocationCommand)[0]!.args[0].input).toEqual({
        CommandId: FLEET.packageCommandId,
        InstanceId: FLEET.windowsInstanceId,
      });
    });

    it('reads the command output of the failed step when the document has several steps', async () => {
      const notifier = notifierHarness();
      const step = { CommandId: FLEET.updateCommandId, InstanceId: FLEET.webInstanceId };
      notifier.ssm.on(GetCommandInvocationCommand, step).rejects(
        awsError(SSMServiceException, 'InvalidPluginName'),
      );
      notifier.ssm.on(ListCommandInvocationsCommand).resolves({
        CommandInvocations: [{ CommandPlugins: [{ Name: 'prepare', Status: 'Success' }, { Name: 'install', Status: 'Failed' }] }],
      });
      notifier.ssm
        .on(GetCommandInvocationCommand, { ...step, PluginName: 'install' })
        .resolves({ PluginName: 'install', StandardErrorContent: 'exit status 2' });
      await notifier.handler(failedUpdateInvocation());
      expect(notifier.mails()[0]!.Message).toContain('(失敗したステップ: install)\n----------\nexit status 2');
    });

    it('still mails, with the account ID, when the display name parameter is missing', async () => {
      const notifier = notifierHarness();
      notifier.ssm.on(GetParameterCommand).rejects(awsError(SSMServiceException, 'ParameterNotFound'));
      await notifier.handler(failedUpdateInvocation());
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Subject).toBe('【SSM 失敗通知】333333333333: AWS-UpdateSSMAgent 失敗 (Failed)');
      expect(notifier.mails()[0]!.Message).toContain('アカウント: 333333333333\n');
    });

    it('mails the display name kept in a SecureString parameter in plain text, not as ciphertext', async () => {
      const notifier = notifierHarness();
      // As SSM answers for a SecureString: the value is ciphertext unless it is read with decryption.
      notifier.ssm.on(GetParameterCommand).callsFake(({ Name, WithDecryption }) => ({
        Parameter: { Name, Type: 'SecureString', Value: WithDecryption ? '本番アカウント' : 'AQICAHhHkqfBQn5wQ0T8W2aOq6rZAAAAbjBsBgkqhkiG9w0BBwagXzBdAgEAMFgGCSqGSIb3DQEHATAeBglghkgBZQMEAS4wEQQM' },
      }));
      await notifier.handler(failedUpdateInvocation());
      expect(notifier.mails()[0]!.Subject).toBe('【SSM 失敗通知】本番アカウント: AWS-UpdateSSMAgent 失敗 (Failed)');
      expect(notifier.mails()[0]!.Message).toContain(`アカウント: 本番アカウント (${FLEET.account})\n`);
      expect(notifier.ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({ Name: ACCOUNT_DISPLAY_NAME.parameterName, WithDecryption: true });
    });

    it('reads the display name once and reuses it', async () => {
      const notifier = notifierHarness();
      await notifier.handler(failedUpdateInvocation());
      const second = failedUpdateInvocation();
      second.detail['command-id'] = 'another-command';
      await notifier.handler(second);
      expect(notifier.mails()).toHaveLength(2);
      expect(notifier.ssm.commandCalls(GetParameterCommand, { Name: ACCOUNT_DISPLAY_NAME.parameterName })).toHaveLength(1);
    });

    it.each([
      ['denied', awsError(SSMServiceException, 'AccessDeniedException'), 'ssm:GetCommandInvocation の権限がありません'],
      ['not found', awsError(SSMServiceException, 'InvocationDoesNotExist'), 'コマンドの実行結果が見つかりません'],
      ['throttled', awsError(SSMServiceException, 'ThrottlingException'), '一時的なエラーのため取得できませんでした'],
    ])('still mails when GetCommandInvocation is %s, saying why the output is missing', async (_case, error, explanation) => {
      const notifier = notifierHarness();
      notifier.ssm.on(GetCommandInvocationCommand).rejects(error);
      await notifier.handler(failedUpdateInvocation());
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain(explanation);
    });

    it('reads the Name tag through the Resource Groups Tagging API, with the instance ARN of the event', async () => {
      const notifier = notifierHarness();
      await notifier.handler(failedUpdateInvocation());
      expect(notifier.tagging.commandCalls(GetResourcesCommand).map((call) => call.args[0].input)).toEqual([
        { ResourceARNList: [`arn:aws:ec2:ap-northeast-1:333333333333:instance/${FLEET.webInstanceId}`] },
      ]);
      expect(notifier.mails()[0]!.Message).toContain(`インスタンス: ${FLEET.webInstanceId} (Name: web-01)\n`);
    });

    it('still mails without the Name tag when the Tagging API refuses to tell it', async () => {
      const notifier = notifierHarness();
      notifier.tagging.on(GetResourcesCommand).rejects(awsError(ResourceGroupsTaggingAPIServiceException, 'AccessDeniedException'));
      await notifier.handler(failedUpdateInvocation());
      expect(notifier.mails()[0]!.Message).toContain('インスタンス: i-036dd0598d3fe4cd7\n');
    });
  });

  describe('one mail per failed run', () => {
    it('ignores a second delivery of the same event', async () => {
      const notifier = notifierHarness();
      await notifier.handler(failedUpdateInvocation());
      await notifier.handler(failedUpdateInvocation());
      expect(notifier.mails()).toHaveLength(1);
    });

    it('sends one mail for the Run Command event and the State Manager event of the same run', async () => {
      const notifier = notifierHarness();
      await notifier.handler(failedPackageAssociation());
      await notifier.handler(failedPackageInvocation());
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain('(State Manager の関連付け、状態: Failed)');
      expect(notifier.table.completed()).toHaveLength(1);
    });

    it('sends one mail when both events of a run arrive at the same moment', async () => {
      const notifier = notifierHarness();
      await Promise.all([notifier.handler(failedPackageInvocation()), notifier.handler(failedPackageAssociation())]);
      expect(notifier.mails()).toHaveLength(1);
    });

    it('mails two failed runs of the same command on two instances separately', async () => {
      const notifier = notifierHarness();
      const other = failedUpdateInvocation();
      other.detail['instance-id'] = FLEET.windowsInstanceId;
      await notifier.handler(failedUpdateInvocation());
      await notifier.handler(other);
      expect(notifier.mails()).toHaveLength(2);
    });

    it('links the State Manager event through the node’s failed invocations when the association’s runs may not be read', async () => {
      const notifier = notifierHarness();
      notifier.ssm.on(DescribeAssociationExecutionsCommand).rejects(awsError(SSMServiceException, 'AccessDeniedException'));
      await notifier.handler(failedPackageAssociation());
      await notifier.handler(failedPackageInvocation());
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain('msiexec: a fatal error occurred during installation (1603)');
      expect(notifier.ssm.commandCalls(ListCommandInvocationsCommand)[0]!.args[0].input).toEqual({
        InstanceId: FLEET.windowsInstanceId,
        Filters: [
          { key: 'DocumentName', value: 'AWS-ConfigureAWSPackage' },
          { key: 'InvokedAfter', value: '2025-03-11T21:36:53.000Z' },
          { key: 'InvokedBefore', value: '2025-03-11T21:47:53.000Z' },
        ],
        MaxResults: 50,
      });
    });

    it.each([
      ['IAM denies both lookups', 'AccessDeniedException', '関連付けの実行履歴 (ssm:DescribeAssociationExecutions など) を読む権限がありません'],
      ['the association was deleted', 'AssociationDoesNotExist', '関連付けが既に削除されています'],
    ])('mails a node’s association run it cannot link once when %s, saying which run and why', async (_case, errorName, why) => {
      const notifier = notifierHarness();
      notifier.ssm.on(DescribeAssociationExecutionsCommand).rejects(awsError(SSMServiceException, errorName));
      notifier.ssm.on(ListCommandInvocationsCommand).rejects(awsError(SSMServiceException, 'AccessDeniedException'));
      await notifier.handler(failedPackageAssociation());
      await notifier.handler(failedPackageAssociation());
      expect(notifier.mails()).toHaveLength(1);
      const { Message } = notifier.mails()[0]!;
      expect(Message).toContain(`この関連付けの実行を Run Command のコマンドと結び付けられませんでした。`);
      expect(Message).toContain(why);
      expect(Message).toContain('同じ失敗について Run Command の失敗通知が別に届くことがあります。');
      expect(Message).toContain(`関連付け ID: ${FLEET.packageAssociationId}\n`);
      expect(Message).toContain('実行開始日時: 2025/03/12(水) 06:37:53 JST\n');
      expect(Message).toContain('インスタンス: i-0c90ceacf4b0ea3e5 (Name: win-app-02)\n');
      expect(notifier.ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
    });

    it('links nothing by guesswork: two failed invocations of the document near the run are not one', async () => {
      const notifier = notifierHarness();
      notifier.ssm.on(DescribeAssociationExecutionsCommand).rejects(awsError(SSMServiceException, 'AccessDeniedException'));
      notifier.ssm.on(ListCommandInvocationsCommand).resolves({
        CommandInvocations: ['c1', 'c2'].map((CommandId) => ({ CommandId, InstanceId: FLEET.windowsInstanceId, DocumentName: 'AWS-ConfigureAWSPackage', Status: 'Failed' })),
      });
      await notifier.handler(failedPackageAssociation());
      expect(notifier.mails()[0]!.Message).toContain('関連付けの実行履歴 (ssm:DescribeAssociationExecutions など) を読む権限がありません');
    });

    it('says so when State Manager ran no command on the node, without looking further', async () => {
      const notifier = notifierHarness();
      notifier.ssm.on(DescribeAssociationExecutionTargetsCommand).resolves({
        AssociationExecutionTargets: [{ ResourceId: FLEET.windowsInstanceId, Status: 'Failed', DetailedStatus: 'Failed' }],
      });
      await notifier.handler(failedPackageAssociation());
      expect(notifier.mails()[0]!.Message).toContain('この実行では、このインスタンスに Run Command のコマンドが送られていません。');
      expect(notifier.ssm.commandCalls(ListCommandInvocationsCommand)).toHaveLength(0);
    });

    it.each([
      ['throttled', awsError(SSMServiceException, 'ThrottlingException', 'Rate exceeded')],
      ['failing on the service side', new SSMServiceException({ name: 'InternalServerError', message: 'internal', $fault: 'server', $metadata: { httpStatusCode: 500 } })],
      ['answering with an error nothing here expects', awsError(SSMServiceException, 'ValidationException')],
    ])('fails the invocation, mailing nothing, while the lookup of the run is %s', async (_case, error) => {
      const notifier = notifierHarness();
      notifier.ssm.on(DescribeAssociationExecutionsCommand).rejects(error);
      await expect(notifier.handler(failedPackageAssociation())).rejects.toThrow(/^DescribeAssociationExecutions failed/);
      expect(notifier.mails()).toHaveLength(0);
      expect(notifier.table.items.size).toBe(0);
    });
  });

  describe('failures', () => {
    it('lets a throttled publish fail so that Lambda retries it, and the retry mails', async () => {
      const notifier = notifierHarness();
      notifier.sns
        .on(PublishCommand)
        .rejectsOnce(awsError(SNSServiceException, 'Throttling', 'Rate exceeded'))
        .resolves({ MessageId: 'message-2' });
      await expect(notifier.handler(failedUpdateInvocation())).rejects.toThrow('Rate exceeded');
      expect(notifier.table.items.size).toBe(0);

      await notifier.handler(failedUpdateInvocation());
      expect(notifier.sns.commandCalls(PublishCommand)).toHaveLength(2);
      expect(notifier.table.completed()).toHaveLength(1);
    });

    it('mails a malformed event once, without failing, so that it is not retried', async () => {
      const notifier = notifierHarness();
      const malformed: any = failedUpdateInvocation();
      delete malformed.detail['instance-id'];
      await expect(notifier.handler(malformed)).resolves.toBeUndefined();
      await notifier.handler(malformed);

      expect(notifier.mails()).toHaveLength(1);
      const [mail] = notifier.mails();
      expect(mail!.Subject).toBe('【ssm-agent-ops 要確認】本番アカウント: 処理できないイベントを受信しました');
      expect(mail!.Message).toContain('- detail.instance-id: missing');
      expect(mail!.Message).toContain('イベント ID: 6d77e484-db19-4922-b838-e79bd87fd183');
      expect(mail!.Message).toContain('"command-id": "829ca3f2-3efb-4134-98f4-a6c88ba00922"');
      expect(mail!.Message).toContain('■ 対応手順: 通知・監視 Lambda の障害');
    });

    it.each([
      ['an event of another kind', scheduledEvent(), 'detail-type is not one the notifier handles'],
      ['a status that is not watched', succeededUpdateInvocation(), 'detail.status "Success" is not a watched status'],
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
      await expect(notifier.handler(scheduledEvent())).rejects.toThrow('SNS unavailable');
    });
  });

  it('writes in English when configured', async () => {
    const notifier = notifierHarness({ language: 'en' });
    await notifier.handler(failedUpdateInvocation());
    expect(notifier.mails()[0]!.Subject).toBe('[SSM failure] 本番アカウント: AWS-UpdateSSMAgent Failed');
    expect(notifier.mails()[0]!.Message).toContain('When: Tue 2025-03-11 14:02:17 JST');
  });
});
