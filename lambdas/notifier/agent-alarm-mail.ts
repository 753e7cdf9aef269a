import type { Language } from '../../contract/languages';
import { managedNodeUrl } from '../shared/console-links';
import { formatTimestamp } from '../shared/time';
import { accountLabel, composeBody, composeSubject, fieldLines, instanceLabel, type Mail, type MailSettings } from './mail';

/** What Systems Manager knows about a managed node, read when its alarm changes. */
export interface NodeDetails {
  pingStatus?: string;
  platformType?: string;
  platformName?: string;
  platformVersion?: string;
  agentVersion?: string;
  lastPingAt?: Date;
  computerName?: string;
  ipAddress?: string;
}

/** Everything one agent alarm mail says. */
export interface AgentAlarmReport {
  state: 'ALARM' | 'OK';
  accountId: string;
  accountDisplayName?: string;
  region: string;
  instanceId: string;
  instanceName?: string;
  /** When the alarm entered its state: detection for ALARM, recovery for OK. */
  since: Date;
  /** For OK: when the connection was lost. */
  lostSince?: Date;
  /** Undefined when the node is no longer registered or could not be read. */
  node?: NodeDetails;
}

function platform(node: NodeDetails): string | undefined {
  const name = [node.platformName, node.platformVersion].filter(Boolean).join(' ');
  if (!node.platformType) return name || undefined;
  return name ? `${node.platformType} (${name})` : node.platformType;
}

function duration(from: Date, to: Date, language: Language): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (language === 'ja') return hours > 0 ? `約 ${hours} 時間 ${rest} 分` : `約 ${minutes} 分`;
  return hours > 0 ? `about ${hours} h ${rest} min` : `about ${minutes} min`;
}

/**
 * The mail for an agent alarm: ALARM when a node's SSM Agent stops answering, OK when it answers
 * again, each with the node's Name tag, platform, agent version and last ping time.
 */
export function renderAgentAlarmMail(report: AgentAlarmReport, settings: MailSettings): Mail {
  const { language, timeZone } = settings;
  const ja = language === 'ja';
  const lost = report.state === 'ALARM';
  const name = report.accountDisplayName ?? report.accountId;
  const instance = instanceLabel(report.instanceId, report.instanceName);
  const subjectInstance = report.instanceName ? `${report.instanceId} (${report.instanceName})` : report.instanceId;
  const subject = ja
    ? composeSubject(lost ? '【SSM 接続断】' : '【SSM 接続回復】', name, `: ${subjectInstance}`)
    : composeSubject(lost ? '[SSM connection lost] ' : '[SSM connection restored] ', name, `: ${subjectInstance}`);

  const account = accountLabel(report.accountId, report.accountDisplayName);
  const when = (date: Date) => formatTimestamp(date, timeZone, language);
  // What the alarm says wins over a ping status read a moment later, which may lag behind it.
  const current = report.node?.pingStatus;
  const pingStatus = lost ? (current && current !== 'Online' ? current : 'ConnectionLost') : 'Online';
  const summary = lost
    ? ja
      ? `${account} の ${report.region} で、インスタンス ${instance} の SSM Agent と通信できなくなりました (ping 状態: ${pingStatus})。この間、このインスタンスには Run Command、パッチ適用、エージェントの更新が届きません。`
      : `In ${report.region}, account ${account}, the SSM Agent of instance ${instance} stopped answering (ping status ${pingStatus}). Run Command, patching and agent updates cannot reach the instance meanwhile.`
    : ja
      ? `${account} の ${report.region} で、インスタンス ${instance} の SSM Agent と再び通信できるようになりました (ping 状態: ${pingStatus})。`
      : `In ${report.region}, account ${account}, the SSM Agent of instance ${instance} answers again (ping status ${pingStatus}).`;

  const node = report.node;
  const outage = !lost && report.lostSince ? `${when(report.lostSince)} - ${when(report.since)} (${duration(report.lostSince, report.since, language)})` : undefined;
  const details = fieldLines(
    ja
      ? [
          ['アカウント', account],
          ['リージョン', report.region],
          ['インスタンス', instance],
          ['プラットフォーム', node && platform(node)],
          ['エージェントのバージョン', node?.agentVersion],
          ['最後の応答', node?.lastPingAt && when(node.lastPingAt)],
          ['コンピューター名', node?.computerName],
          ['IP アドレス', node?.ipAddress],
          [lost ? '検知日時' : '回復日時', when(report.since)],
          ['接続断の期間', outage],
        ]
      : [
          ['Account', account],
          ['Region', report.region],
          ['Instance', instance],
          ['Platform', node && platform(node)],
          ['Agent version', node?.agentVersion],
          ['Last ping', node?.lastPingAt && when(node.lastPingAt)],
          ['Computer name', node?.computerName],
          ['IP address', node?.ipAddress],
          [lost ? 'Detected' : 'Recovered', when(report.since)],
          ['Outage', outage],
        ],
  );
  const missingNode = node
    ? undefined
    : ja
      ? 'このノードの詳細 (プラットフォーム、エージェントのバージョン、最後の応答) は取得できませんでした。ノードが登録解除または終了された可能性があります。'
      : "The node's details (platform, agent version, last ping) could not be read; it may have been deregistered or terminated.";
  const consoleSection = `${ja ? '■ コンソール' : '■ Console'}\n${ja ? 'フリートマネージャー' : 'Fleet Manager'}: ${managedNodeUrl(report.region, report.instanceId)}`;

  return { subject, body: composeBody([summary, details, missingNode, consoleSection], 'agent-connection-lost', settings) };
}
