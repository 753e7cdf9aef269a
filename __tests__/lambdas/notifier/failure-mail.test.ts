import { failureRunbook, renderFailureMail, type FailureReport } from '../../../lambdas/notifier/failure-mail';
import { MAX_BODY_BYTES, type MailSettings } from '../../../lambdas/shared/mail/mail';

const ja: MailSettings = { language: 'ja', timeZone: 'Asia/Tokyo', environmentName: 'prod' };
const en: MailSettings = { ...ja, language: 'en' };

const report: FailureReport = {
  source: 'command',
  accountId: '333333333333',
  accountDisplayName: '本番アカウント',
  region: 'ap-northeast-1',
  instanceId: 'i-036dd0598d3fe4cd7',
  instanceName: 'web-01',
  documentName: 'AWS-UpdateSSMAgent',
  status: 'Failed',
  occurredAt: new Date('2025-03-11T05:02:17Z'),
  commandId: '829ca3f2-3efb-4134-98f4-a6c88ba00922',
  output: { kind: 'found', text: 'failed to download the agent: connection timed out', stepName: 'aws:updateSsmAgent' },
};

describe('renderFailureMail', () => {
  it('says in Japanese what failed, where, when, why and what to do', () => {
    const mail = renderFailureMail(report, ja);
    expect(mail.subject).toBe('【SSM 失敗通知】本番アカウント: AWS-UpdateSSMAgent 失敗 (Failed)');
    expect(mail.body).toContain(
      '本番アカウント (333333333333) の ap-northeast-1 で、インスタンス i-036dd0598d3fe4cd7 (Name: web-01) の SSM Agent の更新が失敗しました (Run Command、状態: Failed)。',
    );
    expect(mail.body).toContain('発生日時: 2025/03/11(火) 14:02:17 JST');
    expect(mail.body).toContain('■ エラー出力 (失敗したステップ: aws:updateSsmAgent)\n----------\nfailed to download the agent: connection timed out\n----------');
    expect(mail.body).toContain(
      'https://ap-northeast-1.console.aws.amazon.com/systems-manager/run-command/829ca3f2-3efb-4134-98f4-a6c88ba00922/i-036dd0598d3fe4cd7?region=ap-northeast-1',
    );
    expect(mail.body).toContain('■ 対応手順: SSM Agent の更新失敗\nリポジトリの help/ssm-agent-update-failure.ja.md を参照してください。');
  });

  it('says the same in English when configured', () => {
    const mail = renderFailureMail(report, en);
    expect(mail.subject).toBe('[SSM failure] 本番アカウント: AWS-UpdateSSMAgent Failed');
    expect(mail.body).toContain('The SSM Agent update on instance i-036dd0598d3fe4cd7 (Name: web-01) failed (Run Command, status Failed)');
    expect(mail.body).toContain('When: Tue 2025-03-11 14:02:17 JST');
    expect(mail.body).toContain('■ What to do: SSM Agent update failure\nSee help/ssm-agent-update-failure.en.md in the repository.');
  });

  it('dates a failure late in the UTC day on the next day in JST', () => {
    const mail = renderFailureMail({ ...report, occurredAt: new Date('2025-03-11T21:39:05Z') }, ja);
    expect(mail.body).toContain('発生日時: 2025/03/12(水) 06:39:05 JST');
  });

  it('links the command in the region of the event', () => {
    const mail = renderFailureMail({ ...report, region: 'us-east-2' }, ja);
    expect(mail.body).toContain('https://us-east-2.console.aws.amazon.com/systems-manager/run-command/');
    expect(mail.body).toContain('?region=us-east-2');
    expect(mail.body).not.toContain('ap-northeast-1.console');
  });

  it.each([
    ['cn-north-1', 'https://console.amazonaws.cn/systems-manager/run-command/'],
    ['us-gov-west-1', 'https://console.amazonaws-us-gov.com/systems-manager/run-command/'],
  ])("links the console of the region's partition (%s)", (region, link) => {
    const mail = renderFailureMail({ ...report, source: 'association', associationId: '34fcb7e0-9a14-4984-9989-0e04e3f60bd8', region }, en);
    expect(mail.body).toContain(`■ Console\nThis command on this instance: ${link}`);
    expect(mail.body).toContain(`?region=${region}\nAssociation: ${link.replace('run-command', 'state-manager')}`);
  });

  it('links no console rather than a wrong one for a region without a public console', () => {
    const mail = renderFailureMail({ ...report, region: 'us-iso-east-1' }, ja);
    expect(mail.body).toContain('本番アカウント (333333333333) の us-iso-east-1 で');
    expect(mail.body).not.toContain('https://');
    expect(mail.body).not.toContain('■ コンソール');
  });

  it('links the runbook when a base URL is configured', () => {
    const mail = renderFailureMail(report, { ...ja, runbookBaseUrl: 'https://git.example.com/ops/ssm-agent-ops/blob/main/' });
    expect(mail.body).toContain('https://git.example.com/ops/ssm-agent-ops/blob/main/help/ssm-agent-update-failure.ja.md');
  });

  it('keeps the subject within 99 characters with a 200-character Japanese display name', () => {
    const mail = renderFailureMail({ ...report, accountDisplayName: '本番'.repeat(100) }, ja);
    expect(mail.subject.length).toBeLessThanOrEqual(99);
    expect(mail.subject).toMatch(/^【SSM 失敗通知】本番本番.*…: AWS-UpdateSSMAgent 失敗 \(Failed\)$/);
  });

  it('never cuts a character in half and never lets a line break into the subject', () => {
    const mail = renderFailureMail({ ...report, accountDisplayName: `本番\n${'👨‍👩‍👧'.repeat(60)}` }, ja);
    expect(mail.subject.length).toBeLessThanOrEqual(99);
    expect(mail.subject).not.toMatch(/[\p{Cc}]/u);
    expect(mail.subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(mail.subject).toMatch(/(👨‍👩‍👧)…:/u);
  });

  it('shortens 300 KB of error output to its end and stays under SNS limits', () => {
    const output = `${'あ'.repeat(100_000)}\nE: the real error is here`;
    const mail = renderFailureMail({ ...report, output: { kind: 'found', text: output } }, ja);
    expect(Buffer.byteLength(output, 'utf8')).toBeGreaterThan(300_000);
    expect(Buffer.byteLength(mail.body, 'utf8')).toBeLessThan(MAX_BODY_BYTES);
    expect(Buffer.byteLength(mail.body, 'utf8')).toBeLessThan(20_000);
    expect(mail.body).toContain('E: the real error is here');
    expect(mail.body).toContain('長いため末尾 3,000 文字のみ表示しています');
  });

  it.each<[FailureReport['output'], string]>([
    [{ kind: 'empty' }, '(出力はありませんでした)'],
    [{ kind: 'unavailable', reason: 'denied' }, 'ssm:GetCommandInvocation の権限がありません'],
    [{ kind: 'unavailable', reason: 'not-found' }, 'コマンドの実行結果が見つかりません'],
    [{ kind: 'unavailable', reason: 'error' }, '一時的なエラーのため取得できませんでした'],
  ])('explains missing output (%p)', (output, explanation) => {
    expect(renderFailureMail({ ...report, output }, ja).body).toContain(explanation);
  });

  it('describes an association failure with its package, summary and both links', () => {
    const mail = renderFailureMail(
      {
        ...report,
        source: 'association',
        documentName: 'AWS-ConfigureAWSPackage',
        packageName: 'AmazonCloudWatchAgent',
        associationId: '5b21afa3-59bb-49a8-aba7-cd2472213abc',
        commandId: 'f28fcfa2-b217-4a2b-97d0-84945d22ebe5',
        executionSummary: '1 out of 1 plugin processed, 0 success, 1 failed, 0 timedout, 0 skipped.',
      },
      ja,
    );
    expect(mail.subject).toBe('【SSM 失敗通知】本番アカウント: AWS-ConfigureAWSPackage 失敗 (Failed)');
    expect(mail.body).toContain('の CloudWatch Agent の更新が失敗しました (State Manager の関連付け、状態: Failed)');
    expect(mail.body).toContain('ドキュメント: AWS-ConfigureAWSPackage (パッケージ: AmazonCloudWatchAgent)');
    expect(mail.body).toContain('実行結果の概要: 1 out of 1 plugin processed');
    expect(mail.body).toContain('/systems-manager/state-manager/5b21afa3-59bb-49a8-aba7-cd2472213abc/description?region=ap-northeast-1');
    expect(mail.body).toContain('/systems-manager/run-command/f28fcfa2-b217-4a2b-97d0-84945d22ebe5/');
    expect(mail.body).toContain('■ 対応手順: CloudWatch Agent の更新失敗');
  });

  it('shows the account ID alone when the display name could not be read', () => {
    const mail = renderFailureMail({ ...report, accountDisplayName: undefined, instanceName: undefined }, ja);
    expect(mail.subject).toBe('【SSM 失敗通知】333333333333: AWS-UpdateSSMAgent 失敗 (Failed)');
    expect(mail.body).toContain('アカウント: 333333333333\n');
    expect(mail.body).toContain('インスタンス: i-036dd0598d3fe4cd7\n');
  });
});

describe('failureRunbook', () => {
  it.each<[Partial<FailureReport>, string]>([
    [{ documentName: 'AWS-UpdateSSMAgent', source: 'command' }, 'ssm-agent-update-failure'],
    [{ documentName: 'AWS-UpdateSSMAgent', source: 'association' }, 'ssm-agent-update-failure'],
    [{ documentName: 'AWS-ConfigureAWSPackage', source: 'association' }, 'cloudwatch-agent-update-failure'],
    [{ documentName: 'AWS-ConfigureAWSPackage', packageName: 'AmazonCloudWatchAgent', source: 'command' }, 'cloudwatch-agent-update-failure'],
    [{ documentName: 'AWS-ConfigureAWSPackage', packageName: 'AWSNVMe', source: 'command' }, 'command-failure'],
    [{ documentName: 'AWS-RunShellScript', source: 'association' }, 'association-failure'],
    [{ documentName: 'AWS-RunShellScript', source: 'command' }, 'command-failure'],
  ])('%p → %s', (partial, runbook) => {
    expect(failureRunbook({ ...report, ...partial })).toBe(runbook);
  });
});
