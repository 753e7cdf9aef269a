import {
  associationUrl,
  cloudWatchMetricsUrl,
  ec2InstancesUrl,
  managedNodesUrl,
  stateManagerUrl,
} from '../shared/console-links';
import { MAX_CHAT_DESCRIPTION_LENGTH } from '../shared/mail/chat-notification';
import { accountLabel, composeBody, composeMail, composeSubject, instanceLabel, MAX_BODY_BYTES, type Mail, type MailSettings } from '../shared/mail/mail';
import { formatTimestamp } from '../shared/time';
import type { ListedNode, FleetReport } from './sections';
import { largestFittingCap, renderBlocks, type Block, type ShortenableList } from './shorten';
import { REPORT_WORDS, type ReportWords } from './words';

/** Where the report is about and what it was configured with, as the mail names them. */
export interface ReportContext {
  accountId: string;
  accountDisplayName?: string;
  region: string;
  /** The subject names the Region too: a hub mails one report per account and Region it covers. */
  regionInSubject?: boolean;
  updateTargetTag: { key: string; values: readonly string[] };
  muteTag: { key: string; value: string };
  cloudWatchAgentNamespace: string;
  ssmAgentAssociationId: string;
  cloudWatchAgentAssociationId: string;
}

/** Two blank-line separators join the body and the ending composeBody adds. */
const SEPARATOR_BYTES = 2;

/**
 * The weekly report as one mail and one chat notification. Every list is shortened, by the same
 * number of items, to the most that lets the mail stay within SNS's message limit and the chat
 * message within the chat description's length; what is left out is counted, with the console page
 * that lists all of it.
 */
export function renderWeeklyReportMail(report: FleetReport, context: ReportContext, settings: MailSettings): Mail {
  const words = REPORT_WORDS[settings.language];
  const [before, after] = words.subject(report.totals.needAttention);
  const account = context.accountDisplayName ?? context.accountId;
  const subject = composeSubject(before, context.regionInSubject ? `${account} ${context.region}` : account, after);
  const blocks = reportBlocks(report, context, settings, words);

  const endingBytes = Buffer.byteLength(composeBody([], 'weekly-report', settings), 'utf8') - SEPARATOR_BYTES;
  const mailFits = (texts: string[]) => Buffer.byteLength(texts.join('\n\n'), 'utf8') + SEPARATOR_BYTES + endingBytes <= MAX_BODY_BYTES;
  const chatFits = (texts: string[]) => texts.join('\n\n').length <= MAX_CHAT_DESCRIPTION_LENGTH;

  const mail = composeMail(subject, { sections: renderBlocks(blocks, largestFittingCap(blocks, mailFits)), runbook: 'weekly-report' }, settings);
  const chat = composeMail(subject, { sections: renderBlocks(blocks, largestFittingCap(blocks, chatFits)), runbook: 'weekly-report' }, settings);
  return { ...mail, chat: chat.chat };
}

function reportBlocks(report: FleetReport, context: ReportContext, settings: MailSettings, words: ReportWords): Block[] {
  const { region } = context;
  const time = (date: Date | undefined) => (date ? formatTimestamp(date, settings.timeZone, settings.language) : undefined);
  const targetTag = `${context.updateTargetTag.key}=${context.updateTargetTag.values.join('|')}`;
  const muteTag = `${context.muteTag.key}=${context.muteTag.value}`;
  const label = (node: ListedNode) => `- ${[instanceLabel(node.id, node.name), node.platform, node.agentVersion].filter(Boolean).join(' ')}`;
  const list = (heading: string, items: string[], url: string | undefined, notes: string[] = []): ShortenableList => ({
    head: [heading, ...notes],
    items,
    more: words.more,
    tail: url ? [words.link(url)] : [],
    empty: words.none,
  });

  const summary = words.summary({
    account: accountLabel(context.accountId, context.accountDisplayName),
    region,
    at: time(report.generatedAt)!,
    managed: report.totals.managed,
    registry: report.totals.registry,
    attention: report.totals.needAttention,
  });
  const { ssmAgent, cloudWatchAgent, now, week } = report;
  const wholeRuns = week.ssmAgentUpdate.failedRunsWithoutNodes + week.cloudWatchAgentUpdate.failedRunsWithoutNodes;

  return [
    summary,
    list(
      words.headings.versions,
      ssmAgent.versions.map((entry) => `- ${entry.version}: ${words.nodes(entry.nodes)}${entry.latest ? ` (${words.latest})` : ''}`),
      managedNodesUrl(region),
    ),
    list(
      words.headings.outdated(ssmAgent.outdated.length),
      ssmAgent.outdated.map((node) => `${label(node)} / ${words.result(node.result)}`),
      associationUrl(region, context.ssmAgentAssociationId),
      [words.lastRun(time(ssmAgent.latestRunAt))],
    ),
    list(words.headings.untargeted(report.untargeted.length, targetTag), report.untargeted.map(label), managedNodesUrl(region)),
    list(words.headings.taggedUnmanaged(report.taggedUnmanaged.length, targetTag), report.taggedUnmanaged.map(label), ec2InstancesUrl(region)),
    list(
      words.headings.cloudWatchNotSucceeded(cloudWatchAgent.notSucceeded.length),
      cloudWatchAgent.notSucceeded.map((node) => `${label(node)} / ${words.nodeResult(node.result)}`),
      associationUrl(region, context.cloudWatchAgentAssociationId),
      [words.lastRun(time(cloudWatchAgent.latestRunAt))],
    ),
    list(words.headings.cloudWatchSilent(cloudWatchAgent.silent.length, context.cloudWatchAgentNamespace), cloudWatchAgent.silent.map(label), cloudWatchMetricsUrl(region)),
    [
      words.headings.week,
      words.week.ssmAgent(week.ssmAgentUpdate.failedNodeRuns, week.ssmAgentUpdate.runs),
      words.week.cloudWatchAgent(week.cloudWatchAgentUpdate.failedNodeRuns, week.cloudWatchAgentUpdate.runs),
      words.week.wholeRuns(wholeRuns),
      ...(stateManagerUrl(region) ? [words.consoleLink(stateManagerUrl(region)!)] : []),
    ].join('\n'),
    list(words.headings.lost(now.lost.length), now.lost.map((node) => `${label(node)}${node.detail ? ` / ${node.detail}` : ''}`), managedNodesUrl(region)),
    list(words.headings.stopped(now.stopped.length), now.stopped.map((node) => `${label(node)}${node.detail ? ` / ${node.detail}` : ''}`), ec2InstancesUrl(region)),
    list(words.headings.muted(now.muted.length, muteTag), now.muted.map(label), managedNodesUrl(region)),
    list(
      words.headings.missing(now.missing.length),
      now.missing.map(label),
      ec2InstancesUrl(region),
      report.missingListedAbove > 0 ? [words.missingListedAbove(report.missingListedAbove)] : [],
    ),
  ];
}
