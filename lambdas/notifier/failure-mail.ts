import { isCloudWatchAgentUpdateDocument } from '../../contract/names';
import type { RunbookId } from '../../contract/runbooks';
import { CLOUDWATCH_AGENT_PACKAGE, PACKAGE_DOCUMENT, SSM_AGENT_UPDATE_DOCUMENT } from '../../contract/ssm-documents';
import { associationUrl, commandInvocationUrl } from '../shared/console-links';
import { keepTail } from '../shared/text';
import { formatTimestamp } from '../shared/time';
import { MAIL_CATALOGUE, type MailCatalogue } from '../shared/mail/catalogue';
import { accountLabel, composeMail, composeSubject, fieldLines, instanceLabel, type Mail, type MailSettings, type MailSection } from '../shared/mail/mail';
import type { UnlinkedReason } from '../shared/mail/catalogue';

/** How much of a failed step's output a mail quotes; the console link has the rest. */
export const MAX_OUTPUT_LENGTH = 3000;

/** The output of the failed step, or why there is none. */
export type StepOutput =
  | { kind: 'found'; text: string; stepName?: string }
  | { kind: 'empty' }
  | { kind: 'unavailable'; reason: 'denied' | 'not-found' | 'no-command' | 'error' };

/** Everything one failure mail says, gathered from the event and from AWS. */
export interface FailureReport {
  source: 'command' | 'association';
  accountId: string;
  accountDisplayName?: string;
  region: string;
  instanceId: string;
  instanceName?: string;
  documentName: string;
  packageName?: string;
  status: string;
  occurredAt: Date;
  commandId?: string;
  associationId?: string;
  /** When the node's association run started (its event's `last-execution-date`). */
  executedAt?: Date;
  /** Set when an association run could not be linked to its Run Command command, with the reason. */
  unlinked?: UnlinkedReason;
  executionSummary?: string;
  errorCode?: string;
  output: StepOutput;
}

/** The runbook an operator should follow for this failure. */
export function failureRunbook(report: Pick<FailureReport, 'documentName' | 'packageName' | 'source'>): RunbookId {
  if (report.documentName === SSM_AGENT_UPDATE_DOCUMENT) return 'ssm-agent-update-failure';
  if (isCloudWatchAgentUpdateDocument(report.documentName)) return 'cloudwatch-agent-update-failure';
  if (report.documentName === PACKAGE_DOCUMENT && (report.packageName ?? CLOUDWATCH_AGENT_PACKAGE) === CLOUDWATCH_AGENT_PACKAGE) {
    return 'cloudwatch-agent-update-failure';
  }
  return report.source === 'association' ? 'association-failure' : 'command-failure';
}

/** What a run of the document was for, in words. */
export function purpose(report: Pick<FailureReport, 'documentName' | 'packageName'>, words: MailCatalogue): string {
  const { purposes } = words.failure;
  if (report.documentName === SSM_AGENT_UPDATE_DOCUMENT) return purposes.ssmAgentUpdate;
  if (isCloudWatchAgentUpdateDocument(report.documentName)) return purposes.cloudWatchAgentUpdateAndConfiguration;
  if (report.documentName === PACKAGE_DOCUMENT) {
    const name = report.packageName ?? CLOUDWATCH_AGENT_PACKAGE;
    return name === CLOUDWATCH_AGENT_PACKAGE ? purposes.cloudWatchAgentUpdate : purposes.packageConfiguration(name);
  }
  return purposes.documentRun(report.documentName);
}

function outputSection(output: StepOutput, words: MailCatalogue): MailSection {
  const { headings, failure } = words;
  if (output.kind === 'empty') return `${headings.errorOutput}\n${failure.noOutput}`;
  if (output.kind === 'unavailable') return `${headings.errorOutput}\n${failure.outputUnavailable[output.reason]}`;
  const { text, truncated } = keepTail(output.text.trimEnd(), MAX_OUTPUT_LENGTH);
  const step = output.stepName ? failure.failedStep(output.stepName) : '';
  const note = truncated ? `\n${failure.outputTruncated(MAX_OUTPUT_LENGTH)}` : '';
  return { verbatim: `${headings.errorOutput}${step}\n----------\n${text}\n----------${note}` };
}

/** The mail for one failed run: what failed, where, when, why, and what to do. */
export function renderFailureMail(report: FailureReport, settings: MailSettings): Mail {
  const { language, timeZone } = settings;
  const words = MAIL_CATALOGUE[language];
  const { fields, failure } = words;
  const name = report.accountDisplayName ?? report.accountId;
  const [before, after] = failure.subject(report.documentName, report.status);
  const subject = composeSubject(before, name, after);

  const instance = instanceLabel(report.instanceId, report.instanceName);
  const account = accountLabel(report.accountId, report.accountDisplayName);
  const summary = failure.summary({
    account,
    region: report.region,
    instance,
    purpose: purpose(report, words),
    outcome: failure.outcome(report.status),
    via: report.source === 'association' ? failure.via.association : failure.via.command,
    status: report.status,
  });

  const details = fieldLines([
    [fields.account, account],
    [fields.region, report.region],
    [fields.instance, instance],
    [fields.document, report.packageName ? failure.documentWithPackage(report.documentName, report.packageName) : report.documentName],
    [fields.status, failure.statusValue(report.status)],
    [fields.occurredAt, formatTimestamp(report.occurredAt, timeZone, language)],
    [fields.executedAt, report.executedAt && formatTimestamp(report.executedAt, timeZone, language)],
    [fields.commandId, report.commandId],
    [fields.associationId, report.associationId],
    [fields.executionSummary, report.executionSummary],
    [fields.errorCode, report.errorCode],
  ]);

  return composeMail(
    subject,
    {
      sections: [summary, report.unlinked && failure.unlinked[report.unlinked], details, outputSection(report.output, words)],
      consoleLinks: [
        [words.consolePages.commandInvocation, report.commandId && commandInvocationUrl(report.region, report.commandId, report.instanceId)],
        [words.consolePages.association, report.associationId && associationUrl(report.region, report.associationId)],
      ],
      runbook: failureRunbook(report),
    },
    settings,
  );
}
