import { DescribeAssociationExecutionsCommand, SSMServiceException } from '@aws-sdk/client-ssm';
import { renderAssociationRunMail, type AssociationRunReport } from '../../../lambdas/notifier/association-run-mail';
import {
  FLEET,
  associationStatusChange,
  failedPackageAssociation,
  failedPackageAssociationRun,
  failedPackageInvocation,
  noTargetsAssociationRun,
} from '../../../fixtures/events';
import { notifierHarness, settings } from './harness';

describe('notifier: association runs', () => {
  it('mails a failed run in Japanese: which association, what for, how its nodes did, and that failed nodes have mails of their own', async () => {
    const notifier = notifierHarness();
    await notifier.handler(associationStatusChange());
    expect(notifier.mails()).toHaveLength(1);
    const [mail] = notifier.mails();
    expect(mail!.Subject).toBe('【SSM 関連付け失敗】本番アカウント: AWS-UpdateSSMAgent の実行が失敗 (Failed)');
    expect(mail!.Message).toContain(
      `本番アカウント (333333333333) の ap-northeast-1 で、State Manager の関連付け ${FLEET.updateAssociationId} (SSM Agent の更新) の実行が失敗しました (状態: Failed)。`,
    );
    expect(mail!.Message).toContain('失敗したノード (1 台) については、ノードごとの失敗通知が別に届きます。');
    expect(mail!.Message).toContain('ターゲット: tag:ope-type = auto\n');
    expect(mail!.Message).toContain('スケジュール: cron(0 5 ? * TUE *)\n');
    expect(mail!.Message).toContain('対象ノードの結果: 失敗 1 台、成功 1 台\n');
    expect(mail!.Message).toContain('実行開始日時: 2025/03/11(火) 14:00:02 JST\n');
    expect(mail!.Message).toContain('実行 ID: 88070a2e-1bdf-4f01-8194-cd562bae171b\n');
    expect(mail!.Message).toContain(
      `関連付け: https://ap-northeast-1.console.aws.amazon.com/systems-manager/state-manager/${FLEET.updateAssociationId}/description?region=ap-northeast-1`,
    );
    expect(mail!.Message).toContain('■ 対応手順: State Manager 関連付けの実行全体の失敗・対象なし');
    expect(notifier.ssm.commandCalls(DescribeAssociationExecutionsCommand)[0]!.args[0].input).toEqual({
      AssociationId: FLEET.updateAssociationId,
      Filters: [{ Key: 'CreatedTime', Type: 'GREATER_THAN', Value: '2025-03-11T04:50:02.000Z' }],
      MaxResults: 50,
    });
  });

  it('mails a run that reached no node: the update happened nowhere, and why', async () => {
    const notifier = notifierHarness();
    await notifier.handler(noTargetsAssociationRun());
    const [mail] = notifier.mails();
    expect(mail!.Subject).toBe('【SSM 関連付け 対象なし】本番アカウント: AWS-UpdateSSMAgent の実行対象のノードがありません');
    expect(mail!.Message).toContain(
      `State Manager の関連付け ${FLEET.updateAssociationId} が実行されましたが、対象のノードが 1 台もありませんでした (状態: Success)。ターゲット (tag:ope-type = auto) に一致するマネージドノードがないため、SSM Agent の更新はどのノードでも行われていません。`,
    );
    expect(mail!.Message).toContain('対象ノードの結果: なし (どのノードからも結果の報告がありません)\n');
    expect(mail!.Message).not.toContain('ノードごとの失敗通知');
  });

  it('mails one run once, however often and in however many events it is reported', async () => {
    const notifier = notifierHarness();
    const later = associationStatusChange();
    later.id = 'b1d7c1a0-5b0e-4d1e-9a57-4f2f0c6e8d31';
    later.time = '2025-03-11T05:03:40Z';
    await notifier.handler(associationStatusChange());
    await notifier.handler(associationStatusChange());
    await notifier.handler(later);
    expect(notifier.mails()).toHaveLength(1);
  });

  it('mails the next run of the same association again', async () => {
    const notifier = notifierHarness();
    const nextWeek = associationStatusChange();
    nextWeek.detail['last-execution-date'] = '2025-03-18T05:00:02Z';
    await notifier.handler(associationStatusChange());
    await notifier.handler(nextWeek);
    expect(notifier.mails()).toHaveLength(2);
  });

  it('sends nothing for a run that succeeded or is still in progress', async () => {
    const notifier = notifierHarness();
    const succeeded = associationStatusChange();
    succeeded.detail.status = 'Success';
    succeeded.detail['association-status-aggregated-count'] = '{"Success":2}';
    const pending = associationStatusChange();
    pending.detail.status = 'Pending';
    await expect(notifier.handler(succeeded)).resolves.toBeUndefined();
    await expect(notifier.handler(pending)).resolves.toBeUndefined();
    expect(notifier.mails()).toHaveLength(0);
    expect(notifier.table.items.size).toBe(0);
  });

  it('mails one per failed node run and one for the association run, never more', async () => {
    const notifier = notifierHarness();
    const events = [failedPackageAssociationRun(), failedPackageAssociation(), failedPackageInvocation()];
    for (const event of [...events, ...events.reverse()]) await notifier.handler(event);
    expect(notifier.mails().map((mail) => mail.Subject)).toEqual([
      '【SSM 関連付け失敗】本番アカウント: AWS-ConfigureAWSPackage の実行が失敗 (Failed)',
      '【SSM 失敗通知】本番アカウント: AWS-ConfigureAWSPackage 失敗 (Failed)',
    ]);
  });

  it('still mails with the event’s counts when the run’s record cannot be read', async () => {
    const notifier = notifierHarness();
    notifier.ssm.on(DescribeAssociationExecutionsCommand).rejects(new SSMServiceException({ name: 'ThrottlingException', message: 'Rate exceeded', $fault: 'client', $metadata: {} }));
    await notifier.handler(associationStatusChange());
    expect(notifier.mails()[0]!.Message).toContain('対象ノードの結果: 失敗 1 台、成功 1 台\n');
    expect(notifier.mails()[0]!.Message).not.toContain('実行 ID');
  });

  it('writes in English when configured', async () => {
    const notifier = notifierHarness({ language: 'en' });
    await notifier.handler(noTargetsAssociationRun());
    await notifier.handler(associationStatusChange());
    const [noNode, failed] = notifier.mails();
    expect(noNode!.Subject).toBe('[SSM association: no targets] 本番アカウント: AWS-UpdateSSMAgent ran on no node');
    expect(noNode!.Message).toContain('No managed node matches its targets (tag:ope-type = auto), so the SSM Agent update happened nowhere.');
    expect(failed!.Subject).toBe('[SSM association failed] 本番アカウント: AWS-UpdateSSMAgent run Failed');
    expect(failed!.Message).toContain('Nodes: 1 failed, 1 succeeded\n');
    expect(failed!.Message).toContain('Each failed node (1 in all) is reported in an alert of its own.');
  });
});

describe('renderAssociationRunMail', () => {
  const report: AssociationRunReport = {
    accountId: '333333333333',
    region: 'cn-north-1',
    associationId: FLEET.packageAssociationId,
    associationName: 'prod-update-cloudwatch-agent',
    documentName: 'AWS-ConfigureAWSPackage',
    status: 'Failed',
    reachedNoNode: false,
    nodeCounts: { Success: 3, Failed: 2, TimedOut: 1 },
    occurredAt: new Date('2025-03-11T21:39:27Z'),
  };

  it('links the association in the event’s region and partition, and names it', () => {
    const { body } = renderAssociationRunMail(report, settings);
    expect(body).toContain(`https://console.amazonaws.cn/systems-manager/state-manager/${FLEET.packageAssociationId}/description?region=cn-north-1`);
    expect(body).toContain(`関連付け: prod-update-cloudwatch-agent (${FLEET.packageAssociationId})\n`);
  });

  it('lists failures first and counts every failed node, timed out included', () => {
    const { body } = renderAssociationRunMail(report, settings);
    expect(body).toContain('対象ノードの結果: 失敗 2 台、タイムアウト 1 台、成功 3 台\n');
    expect(body).toContain('失敗したノード (3 台) については');
  });

  it('keeps the subject within 99 characters with a long display name', () => {
    const { subject } = renderAssociationRunMail({ ...report, accountDisplayName: 'とても長いアカウント表示名'.repeat(10) }, settings);
    expect(subject.length).toBeLessThanOrEqual(99);
    expect(subject.endsWith(': AWS-ConfigureAWSPackage の実行が失敗 (Failed)')).toBe(true);
  });
});
