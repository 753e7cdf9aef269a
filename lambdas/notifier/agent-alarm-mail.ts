import { managedNodeUrl } from '../shared/console-links';
import { formatTimestamp } from '../shared/time';
import { MAIL_CATALOGUE, type MailCatalogue } from '../shared/mail/catalogue';
import { accountLabel, composeMail, composeSubject, fieldLines, instanceLabel, type Mail, type MailSettings } from '../shared/mail/mail';

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

function duration(from: Date, to: Date, words: MailCatalogue): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  return words.agentAlarm.duration(Math.floor(minutes / 60), minutes % 60);
}

/**
 * The mail for an agent alarm: ALARM when a node's SSM Agent stops answering, OK when it answers
 * again, each with the node's Name tag, platform, agent version and last ping time.
 */
export function renderAgentAlarmMail(report: AgentAlarmReport, settings: MailSettings): Mail {
  const { language, timeZone } = settings;
  const words = MAIL_CATALOGUE[language];
  const { fields, agentAlarm } = words;
  const lost = report.state === 'ALARM';
  const name = report.accountDisplayName ?? report.accountId;
  const instance = instanceLabel(report.instanceId, report.instanceName);
  const subjectInstance = report.instanceName ? `${report.instanceId} (${report.instanceName})` : report.instanceId;
  const subject = composeSubject(lost ? agentAlarm.subjectPrefix.lost : agentAlarm.subjectPrefix.restored, name, `: ${subjectInstance}`);

  const account = accountLabel(report.accountId, report.accountDisplayName);
  const when = (date: Date) => formatTimestamp(date, timeZone, language);
  // What the alarm says wins over a ping status read a moment later, which may lag behind it.
  const current = report.node?.pingStatus;
  const pingStatus = lost ? (current && current !== 'Online' ? current : 'ConnectionLost') : 'Online';
  const facts = { account, region: report.region, instance, pingStatus };
  const summary = lost ? agentAlarm.lostSummary(facts) : agentAlarm.restoredSummary(facts);

  const node = report.node;
  const outage = !lost && report.lostSince ? `${when(report.lostSince)} - ${when(report.since)} (${duration(report.lostSince, report.since, words)})` : undefined;
  const details = fieldLines([
    [fields.account, account],
    [fields.region, report.region],
    [fields.instance, instance],
    [fields.platform, node && platform(node)],
    [fields.agentVersion, node?.agentVersion],
    [fields.lastPing, node?.lastPingAt && when(node.lastPingAt)],
    [fields.computerName, node?.computerName],
    [fields.ipAddress, node?.ipAddress],
    [lost ? fields.detectedAt : fields.recoveredAt, when(report.since)],
    [fields.outage, outage],
  ]);
  const missingNode = node ? undefined : agentAlarm.nodeUnreadable;
  return composeMail(
    subject,
    {
      sections: [summary, details, missingNode],
      consoleLinks: [[words.consolePages.managedNode, managedNodeUrl(report.region, report.instanceId)]],
      runbook: 'agent-connection-lost',
    },
    settings,
  );
}
