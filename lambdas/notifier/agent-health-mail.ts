import { ec2InstancesUrl, ec2InstanceUrl, managedNodesUrl, managedNodeUrl } from '../shared/console-links';
import { AGENT_HEALTH_CATALOGUE } from '../shared/mail/agent-health-catalogue';
import { MAIL_CATALOGUE } from '../shared/mail/catalogue';
import { accountLabel, composeMail, composeSubject, fieldLines, instanceLabel, type Mail, type MailSettings } from '../shared/mail/mail';
import { mailOrder, type DigestDetail, type DigestNode, type UnmanagedDetail, type UnmanagedInstance } from '../shared/product-events';
import { formatTimestamp } from '../shared/time';

/** Where a mail comes from. */
export interface MailOrigin {
  accountId: string;
  accountDisplayName?: string;
  region: string;
}

/** Everything the "stopped" mail says: a node in ALARM whose instance was stopped afterwards. */
export interface InstanceStoppedReport extends MailOrigin {
  instanceId: string;
  instanceName?: string;
  /** The EC2 state the watch saw (`stopped`, `terminated`, ...). */
  state: string;
  platform?: string;
  lastPingAt?: Date;
  /** When the alarm went back to OK. */
  since: Date;
  /** When the connection was lost (the alarm's ALARM). */
  lostSince?: Date;
}

/** Bytes of a mail's body given to node lines: the rest of SNS's 256 KB holds the summary and the ending. */
const LISTING_BYTES = 200 * 1024;

/** The mail for a node whose lost connection was reported and whose instance was then stopped: its alert ends. */
export function renderInstanceStoppedMail(report: InstanceStoppedReport, settings: MailSettings): Mail {
  const { language, timeZone } = settings;
  const words = MAIL_CATALOGUE[language];
  const health = AGENT_HEALTH_CATALOGUE[language];
  const account = accountLabel(report.accountId, report.accountDisplayName);
  const instance = instanceLabel(report.instanceId, report.instanceName);
  const subjectInstance = report.instanceName ? `${report.instanceId} (${report.instanceName})` : report.instanceId;
  const when = (date: Date) => formatTimestamp(date, timeZone, language);
  return composeMail(
    composeSubject(health.stopped.subjectPrefix, report.accountDisplayName ?? report.accountId, `: ${subjectInstance}`),
    {
      sections: [
        health.stopped.summary({ account, region: report.region, instance, state: report.state }),
        fieldLines([
          [words.fields.account, account],
          [words.fields.region, report.region],
          [words.fields.instance, instance],
          [health.fields.ec2State, report.state],
          [words.fields.platform, report.platform],
          [words.fields.lastPing, report.lastPingAt && when(report.lastPingAt)],
          [words.fields.detectedAt, report.lostSince && when(report.lostSince)],
          [health.fields.stopNoticedAt, when(report.since)],
        ]),
      ],
      consoleLinks: [[words.consolePages.managedNode, managedNodeUrl(report.region, report.instanceId)]],
      runbook: 'agent-instance-stopped',
    },
    settings,
  );
}

/** Everything a storm digest says. */
export interface AgentDigestReport extends MailOrigin {
  digest: DigestDetail;
}

/**
 * The digest of a storm: every node whose alarm moved the same way within one window of the storm,
 * grouped by state, each with its Name tag, platform and last ping. Lines go in until the mail's size
 * budget is spent; the mail then says exactly how many nodes of each group it leaves out.
 */
export function renderAgentDigestMail(report: AgentDigestReport, settings: MailSettings): Mail {
  const { language, timeZone } = settings;
  const words = MAIL_CATALOGUE[language];
  const health = AGENT_HEALTH_CATALOGUE[language];
  const { digest } = report;
  const total = Object.values(digest.byState).reduce((sum, count) => sum + count, 0);
  const account = accountLabel(report.accountId, report.accountDisplayName);
  const when = (iso: string) => formatTimestamp(new Date(iso), timeZone, language);
  const line = (node: DigestNode) =>
    [`- ${instanceLabel(node.instanceId, node.name)}`, node.platform, node.lastPingAt ? `${words.fields.lastPing} ${when(node.lastPingAt)}` : undefined]
      .filter(Boolean)
      .join(' / ');
  const listing = groupedListing(
    digest.nodes,
    digest.byState,
    line,
    (state, count) => health.digest.group(state, count),
    (count) => health.digest.leftOut(count),
  );
  return composeMail(
    composeSubject(health.digest.subjectPrefix[digest.direction], report.accountDisplayName ?? report.accountId, health.digest.subjectCount(total)),
    {
      sections: [
        health.digest.summary({ account, region: report.region, count: total, direction: digest.direction, sequence: digest.sequence }),
        fieldLines([
          [words.fields.account, account],
          [words.fields.region, report.region],
          [health.fields.stormOpenedAt, when(digest.openedAt)],
        ]),
        listing,
      ],
      runbook: 'agent-connection-digest',
    },
    settings,
  );
}

/** Everything a missing (or registered) instance mail says. */
export interface UnmanagedInstanceReport extends MailOrigin {
  change: UnmanagedDetail;
}

/**
 * The mail for running EC2 instances that are not managed nodes (「SSM 未登録」), with the likely cause
 * where the instance's own description shows it (no instance profile, instance metadata turned off)
 * and the general ones otherwise; or for such instances that have registered since.
 */
export function renderUnmanagedInstanceMail(report: UnmanagedInstanceReport, settings: MailSettings): Mail {
  const { language, timeZone } = settings;
  const words = MAIL_CATALOGUE[language];
  const health = AGENT_HEALTH_CATALOGUE[language].unmanaged;
  const fields = AGENT_HEALTH_CATALOGUE[language].fields;
  const { change } = report;
  const account = accountLabel(report.accountId, report.accountDisplayName);
  const missing = change.change === 'missing';
  const single = change.total === 1 && change.instances.length === 1 ? change.instances[0] : undefined;
  const when = (iso: string) => formatTimestamp(new Date(iso), timeZone, language);
  const subjectTail = single ? `: ${single.name ? `${single.instanceId} (${single.name})` : single.instanceId}` : AGENT_HEALTH_CATALOGUE[language].digest.subjectCount(change.total);
  const subject = composeSubject(missing ? health.subjectPrefix.missing : health.subjectPrefix.registered, report.accountDisplayName ?? report.accountId, subjectTail);

  const facts = (instance: UnmanagedInstance) =>
    fieldLines([
      [words.fields.instance, instanceLabel(instance.instanceId, instance.name)],
      [words.fields.platform, instance.platform],
      [fields.launchedAt, instance.launchedAt && when(instance.launchedAt)],
      [fields.profile, instance.profile ?? health.noProfileValue],
      [fields.imds, instance.imds],
    ]);
  const causes = (instances: readonly UnmanagedInstance[]) => {
    const specific = [
      ...(instances.some((instance) => !instance.profile) ? [health.noProfile] : []),
      ...(instances.some((instance) => instance.imds === 'disabled') ? [health.imdsDisabled] : []),
    ];
    return `${health.causesHeading}\n${[...specific, ...health.generalCauses].map((cause) => `- ${cause}`).join('\n')}`;
  };

  let sections: (string | undefined)[];
  if (single) {
    const instance = instanceLabel(single.instanceId, single.name);
    sections = [
      (missing ? health.missingSummary : health.registeredSummary)({ account, region: report.region, what: instance }),
      fieldLines([
        [words.fields.account, account],
        [words.fields.region, report.region],
      ]),
      facts(single),
      missing ? causes([single]) : undefined,
    ];
  } else {
    const line = (instance: UnmanagedInstance) =>
      [`- ${instanceLabel(instance.instanceId, instance.name)}`, instance.platform, missing && !instance.profile ? `${fields.profile}: ${health.noProfileValue}` : undefined, missing && instance.imds === 'disabled' ? `${fields.imds}: disabled` : undefined]
        .filter(Boolean)
        .join(' / ');
    const listing = listWithin(change.instances.map(line), LISTING_BYTES);
    const leftOut = change.total - listing.lines.length;
    sections = [
      (missing ? health.missingSummary : health.registeredSummary)({ account, region: report.region, what: change.total }),
      fieldLines([
        [words.fields.account, account],
        [words.fields.region, report.region],
      ]),
      [health.instancesHeading, ...listing.lines, ...(leftOut > 0 ? [health.leftOut(leftOut)] : [])].join('\n'),
      missing ? causes(change.instances) : undefined,
    ];
  }
  return composeMail(
    subject,
    {
      sections,
      // A missing instance has no Fleet Manager page yet: the EC2 console shows its profile and metadata settings.
      consoleLinks: missing
        ? [single ? [words.consolePages.ec2Instance, ec2InstanceUrl(report.region, single.instanceId)] : [words.consolePages.ec2Instances, ec2InstancesUrl(report.region)]]
        : [single ? [words.consolePages.managedNode, managedNodeUrl(report.region, single.instanceId)] : [words.consolePages.managedNodes, managedNodesUrl(report.region)]],
      runbook: 'unmanaged-instance',
    },
    settings,
  );
}

/** Lines in order until `bytes` of UTF-8 are spent. */
function listWithin(lines: readonly string[], bytes: number): { lines: string[] } {
  const kept: string[] = [];
  let used = 0;
  for (const text of lines) {
    const size = Buffer.byteLength(text, 'utf8') + 1;
    if (used + size > bytes) break;
    kept.push(text);
    used += size;
  }
  return { lines: kept };
}

/** Nodes grouped by state, within the listing budget, each group ending with how many of it are left out. */
function groupedListing(
  nodes: readonly DigestNode[],
  byState: Readonly<Record<string, number>>,
  line: (node: DigestNode) => string,
  heading: (state: string, count: number) => string,
  leftOut: (count: number) => string,
): string {
  const states = Object.keys(byState).sort();
  const sorted = [...nodes].sort(mailOrder);
  let budget = LISTING_BYTES;
  const groups: string[] = [];
  for (const state of states) {
    const count = byState[state] ?? 0;
    const listed = listWithin(sorted.filter((node) => node.state === state).map(line), Math.max(0, budget));
    budget -= listed.lines.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8') + 1, 0);
    const omitted = count - listed.lines.length;
    groups.push([heading(state, count), ...listed.lines, ...(omitted > 0 ? [leftOut(omitted)] : [])].join('\n'));
  }
  return groups.join('\n\n');
}
