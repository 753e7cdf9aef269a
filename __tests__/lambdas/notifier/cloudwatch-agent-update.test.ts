import { GetCommandInvocationCommand, ListCommandInvocationsCommand, ListCommandsCommand } from '@aws-sdk/client-ssm';
import { CLOUDWATCH_AGENT_UPDATE_STEPS } from '../../../contract/ssm-documents';
import {
  CLOUDWATCH_AGENT_UPDATE_DOCUMENT,
  CLOUDWATCH_AGENT_UPDATE_RUN,
  CLOUDWATCH_AGENT_UPDATE_STEP_RESULTS,
  CONFIGURE_DENIED_OUTPUT,
  PACKAGE_FAILED_OUTPUT,
  answerCloudWatchAgentUpdateRuns,
  cloudWatchAgentUpdateAssociation,
  cloudWatchAgentUpdateInvocation,
} from '../../../fixtures/cloudwatch-agent-update';
import { FLEET } from '../../../fixtures/events';
import { notifierHarness } from './harness';

const { updatePackage, configureOn } = CLOUDWATCH_AGENT_UPDATE_STEPS;

function harness(language: 'ja' | 'en' = 'ja') {
  const notifier = notifierHarness({ language });
  answerCloudWatchAgentUpdateRuns(notifier.ssm);
  return notifier;
}

/** The block the mail quotes as the failed step's output. */
function quotedOutput(message: string): string {
  return message.split('\n----------\n')[1]!.split('\n----------')[0]!;
}

describe("the CloudWatch Agent update through the environment's own document", () => {
  it('mails a failed configure step once, naming the step and quoting what it printed', async () => {
    const notifier = harness();
    await notifier.handler(cloudWatchAgentUpdateInvocation(FLEET.webInstanceId));

    expect(notifier.mails()).toHaveLength(1);
    const [mail] = notifier.mails();
    expect(mail!.Subject).toBe(`【SSM 失敗通知】本番アカウント: ${CLOUDWATCH_AGENT_UPDATE_DOCUMENT} 失敗 (Failed)`);
    expect(mail!.Message).toContain('インスタンス i-036dd0598d3fe4cd7 (Name: web-01) の CloudWatch Agent の更新と設定の再適用が失敗しました');
    expect(mail!.Message).toContain(`ドキュメント: ${CLOUDWATCH_AGENT_UPDATE_DOCUMENT}\n`);
    expect(mail!.Message).toContain(`■ エラー出力 (失敗したステップ: ${configureOn.linux})`);
    expect(quotedOutput(mail!.Message!)).toBe(CONFIGURE_DENIED_OUTPUT.trimEnd());
    expect(mail!.Message).toContain('■ 対応手順: CloudWatch Agent の更新失敗\nリポジトリの help/cloudwatch-agent-update-failure.ja.md を参照してください。');
    expect(mail!.Message).toContain(`run-command/${CLOUDWATCH_AGENT_UPDATE_RUN.commandId}/${FLEET.webInstanceId}?region=ap-northeast-1`);
  });

  it('finds the failed step the way AWS requires for a document of several steps', async () => {
    const notifier = harness();
    await notifier.handler(cloudWatchAgentUpdateInvocation(FLEET.webInstanceId));

    const { commandId } = CLOUDWATCH_AGENT_UPDATE_RUN;
    const reads = notifier.ssm.commandCalls(GetCommandInvocationCommand).map((call) => call.args[0].input);
    // Without a step name AWS answers InvalidPluginName; the step is then read by its name.
    expect(reads).toEqual([
      { CommandId: commandId, InstanceId: FLEET.webInstanceId },
      { CommandId: commandId, InstanceId: FLEET.webInstanceId, PluginName: configureOn.linux },
    ]);
    expect(notifier.ssm.commandCalls(ListCommandInvocationsCommand)[0]!.args[0].input).toEqual({
      CommandId: commandId,
      InstanceId: FLEET.webInstanceId,
      Details: true,
    });
    // The document is not AWS-ConfigureAWSPackage: there is no package parameter to read.
    expect(notifier.ssm.commandCalls(ListCommandsCommand)).toHaveLength(0);
  });

  it('names the package step when the update itself failed, though the configure step after it succeeded', async () => {
    const notifier = harness();
    await notifier.handler(cloudWatchAgentUpdateInvocation(FLEET.windowsInstanceId));

    const [mail] = notifier.mails();
    expect(CLOUDWATCH_AGENT_UPDATE_STEP_RESULTS[FLEET.windowsInstanceId]!.map((step) => [step.name, step.status])).toEqual([
      [updatePackage, 'Failed'],
      [configureOn.linux, 'Success'],
      [configureOn.windows, 'Success'],
    ]);
    expect(mail!.Message).toContain(`■ エラー出力 (失敗したステップ: ${updatePackage})`);
    expect(quotedOutput(mail!.Message!)).toBe(PACKAGE_FAILED_OUTPUT.trimEnd());
    expect(mail!.Message).toContain('help/cloudwatch-agent-update-failure.ja.md');
  });

  it('names the first failed step when both failed: the update, whose failure the configuration could not repair', async () => {
    const notifier = harness();
    notifier.ssm.on(ListCommandInvocationsCommand, { CommandId: CLOUDWATCH_AGENT_UPDATE_RUN.commandId }).resolves({
      CommandInvocations: [
        {
          CommandId: CLOUDWATCH_AGENT_UPDATE_RUN.commandId,
          InstanceId: FLEET.windowsInstanceId,
          Status: 'Failed',
          CommandPlugins: [
            { Name: updatePackage, Status: 'Failed' },
            { Name: configureOn.linux, Status: 'Success' },
            { Name: configureOn.windows, Status: 'Failed' },
          ],
        },
      ],
    });
    await notifier.handler(cloudWatchAgentUpdateInvocation(FLEET.windowsInstanceId));
    expect(notifier.mails()[0]!.Message).toContain(`(失敗したステップ: ${updatePackage})`);
  });

  it('sends one mail for the Run Command event and the State Manager event of the same run, whichever comes first', async () => {
    const notifier = harness();
    await notifier.handler(cloudWatchAgentUpdateAssociation(FLEET.webInstanceId));
    await notifier.handler(cloudWatchAgentUpdateInvocation(FLEET.webInstanceId));
    await Promise.all([
      notifier.handler(cloudWatchAgentUpdateInvocation(FLEET.windowsInstanceId)),
      notifier.handler(cloudWatchAgentUpdateAssociation(FLEET.windowsInstanceId)),
    ]);

    const mails = notifier.mails();
    expect(mails).toHaveLength(2);
    expect(mails[0]!.Message).toContain('(State Manager の関連付け、状態: Failed)');
    expect(mails[0]!.Message).toContain(`(失敗したステップ: ${configureOn.linux})`);
    expect(mails[1]!.Message).toContain(`(失敗したステップ: ${updatePackage})`);
    expect(notifier.table.completed()).toHaveLength(2);
  });

  it('says the same in English', async () => {
    const notifier = harness('en');
    await notifier.handler(cloudWatchAgentUpdateInvocation(FLEET.webInstanceId));
    const [mail] = notifier.mails();
    expect(mail!.Subject).toBe(`[SSM failure] 本番アカウント: ${CLOUDWATCH_AGENT_UPDATE_DOCUMENT} Failed`);
    expect(mail!.Message).toContain('The CloudWatch Agent update and configuration on instance i-036dd0598d3fe4cd7 (Name: web-01) failed');
    expect(mail!.Message).toContain(`■ Error output (failed step: ${configureOn.linux})`);
    expect(mail!.Message).toContain('■ What to do: CloudWatch Agent update failure');
  });
});
