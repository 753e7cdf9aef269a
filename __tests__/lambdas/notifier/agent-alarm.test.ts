import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { agentAlarmEvent } from '../../../fixtures/events';
import { notifierHarness } from './harness';

describe('notifier: agent alarms', () => {
  it('mails a lost connection in Japanese with the Name tag, platform, agent version and last ping', async () => {
    const notifier = notifierHarness();
    await notifier.handler(agentAlarmEvent('ALARM'));
    expect(notifier.mails()).toHaveLength(1);
    const [mail] = notifier.mails();
    expect(mail!.Subject).toBe('【SSM 接続断】本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)');
    expect(mail!.Message).toContain(
      '本番アカウント (333333333333) の ap-northeast-1 で、インスタンス i-0c90ceacf4b0ea3e5 (Name: win-app-02) の SSM Agent と通信できなくなりました (ping 状態: ConnectionLost)。',
    );
    expect(mail!.Message).toContain('プラットフォーム: Windows (Microsoft Windows Server 2022 Datacenter 10.0.20348)');
    expect(mail!.Message).toContain('エージェントのバージョン: 3.3.1611.0');
    expect(mail!.Message).toContain('最後の応答: 2025/03/11(火) 15:12:48 JST');
    expect(mail!.Message).toContain('検知日時: 2025/03/11(火) 15:19:31 JST');
    expect(mail!.Message).toContain(
      'https://ap-northeast-1.console.aws.amazon.com/systems-manager/fleet-manager/managed-nodes/i-0c90ceacf4b0ea3e5/general?region=ap-northeast-1',
    );
    expect(mail!.Message).toContain('■ 対応手順: SSM Agent の接続断 (ConnectionLost)');
  });

  it('mails the recovery with how long the connection was lost', async () => {
    const notifier = notifierHarness();
    await notifier.handler(agentAlarmEvent('OK'));
    const [mail] = notifier.mails();
    expect(mail!.Subject).toBe('【SSM 接続回復】本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)');
    expect(mail!.Message).toContain('の SSM Agent と再び通信できるようになりました');
    expect(mail!.Message).toContain('接続断の期間: 2025/03/11(火) 15:19:31 JST - 2025/03/11(火) 15:51:02 JST (約 32 分)');
    // The canned DescribeInstanceInformation still shows the node as lost; the mail goes by the alarm, which has seen it recover.
    expect(mail!.Message).toContain('(ping 状態: Online)');
  });

  it('mails one transition once, however often it is delivered', async () => {
    const notifier = notifierHarness();
    await notifier.handler(agentAlarmEvent('ALARM'));
    await notifier.handler(agentAlarmEvent('ALARM'));
    await notifier.handler(agentAlarmEvent('OK'));
    expect(notifier.mails().map((mail) => mail.Subject)).toEqual([
      '【SSM 接続断】本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)',
      '【SSM 接続回復】本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)',
    ]);
  });

  it('still mails, saying the details are missing, when the node is gone', async () => {
    const notifier = notifierHarness();
    notifier.ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    await notifier.handler(agentAlarmEvent('ALARM', 'i-0aaaaaaaaaaaaaaaa'));
    const [mail] = notifier.mails();
    expect(mail!.Subject).toBe('【SSM 接続断】本番アカウント: i-0aaaaaaaaaaaaaaaa');
    expect(mail!.Message).toContain('このノードの詳細 (プラットフォーム、エージェントのバージョン、最後の応答) は取得できませんでした。');
  });

  it('writes in English when configured', async () => {
    const notifier = notifierHarness({ language: 'en' });
    await notifier.handler(agentAlarmEvent('OK'));
    const [mail] = notifier.mails();
    expect(mail!.Subject).toBe('[SSM connection restored] 本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)');
    expect(mail!.Message).toContain('Outage: Tue 2025-03-11 15:19:31 JST - Tue 2025-03-11 15:51:02 JST (about 32 min)');
  });
});
