import { associationUrl } from '../shared/console-links';
import { formatTimestamp } from '../shared/time';
import { MAIL_CATALOGUE } from '../shared/mail/catalogue';
import { purpose } from './failure-mail';
import { accountLabel, composeMail, composeSubject, fieldLines, type Mail, type MailSettings } from '../shared/mail/mail';

/** Everything one association-run mail says, from the event and, when it could be read, the run's record. */
export interface AssociationRunReport {
  accountId: string;
  accountDisplayName?: string;
  region: string;
  associationId: string;
  associationName?: string;
  associationVersion?: string;
  documentName: string;
  status: string;
  /** No node reported any result for the run: its targets matched nothing. */
  reachedNoNode: boolean;
  /** Nodes by status: the run's record when it was read, else the event's count. */
  nodeCounts?: Readonly<Record<string, number>>;
  targets?: readonly string[];
  scheduleExpression?: string;
  /** When the run started. */
  executedAt?: Date;
  /** When the event reported the run's state. */
  occurredAt: Date;
  executionId?: string;
  detailedStatus?: string;
}

/**
 * The one mail for one run of an association as a whole: the run failed, or it reached no node (its
 * targets matched no managed node, so the update it exists for happened nowhere). Failures of single
 * nodes in the same run are mailed on their own; this mail counts them and says so.
 */
export function renderAssociationRunMail(report: AssociationRunReport, settings: MailSettings): Mail {
  const { language, timeZone } = settings;
  const words = MAIL_CATALOGUE[language];
  const { fields, associationRun } = words;
  const [before, after] = associationRun.subject(report.documentName, report.status, report.reachedNoNode);
  const subject = composeSubject(before, report.accountDisplayName ?? report.accountId, after);

  const account = accountLabel(report.accountId, report.accountDisplayName);
  const association = associationRun.association(report.associationName, report.associationId);
  const facts = { account, region: report.region, association, purpose: purpose({ documentName: report.documentName }, words), status: report.status };
  const summary = report.reachedNoNode
    ? associationRun.noNodeSummary({ ...facts, targets: report.targets?.join('; ') })
    : associationRun.failedSummary(facts);
  const failedNodes = (report.nodeCounts?.Failed ?? 0) + (report.nodeCounts?.TimedOut ?? 0) + (report.nodeCounts?.Cancelled ?? 0);
  const separateMails = !report.reachedNoNode && failedNodes > 0 ? associationRun.nodeFailuresMailedSeparately(failedNodes) : undefined;

  const detailed = report.detailedStatus && report.detailedStatus !== report.status ? ` / ${report.detailedStatus}` : '';
  const status = `${associationRun.statusValue(report.status)}${detailed}`;
  const details = fieldLines([
    [fields.account, account],
    [fields.region, report.region],
    [fields.association, association],
    [fields.document, report.documentName],
    [fields.targets, report.targets?.join('; ')],
    [fields.schedule, report.scheduleExpression],
    [fields.status, status],
    [fields.nodeResults, report.nodeCounts && associationRun.nodeCounts(report.nodeCounts)],
    [fields.executedAt, report.executedAt && formatTimestamp(report.executedAt, timeZone, language)],
    [fields.occurredAt, formatTimestamp(report.occurredAt, timeZone, language)],
    [fields.executionId, report.executionId],
  ]);
  return composeMail(
    subject,
    {
      sections: [summary, separateMails, details],
      consoleLinks: [[words.consolePages.association, associationUrl(report.region, report.associationId)]],
      runbook: 'association-run-failure',
    },
    settings,
  );
}
