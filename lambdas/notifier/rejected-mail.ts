import { truncateEnd } from '../shared/text';
import { formatTimestamp } from '../shared/time';
import { MAIL_CATALOGUE } from '../shared/mail/catalogue';
import type { RejectedEvent } from './events';
import { accountLabel, composeMail, composeSubject, fieldLines, type Mail, type MailSettings } from '../shared/mail/mail';

/** How much of the offending event a mail quotes. */
export const MAX_EVENT_EXCERPT_LENGTH = 4000;

/** What the notifier knows about an event it could not handle. */
export interface RejectedEventReport {
  rejected: RejectedEvent;
  rawEvent: unknown;
  accountId: string;
  accountDisplayName?: string;
  receivedAt: Date;
}

/**
 * The one mail sent for an event the notifier cannot turn into an alert: malformed, of a kind it does
 * not handle, or with a status it does not watch. It is mailed rather than retried, because retrying
 * cannot make a bad event good.
 */
export function renderRejectedEventMail(report: RejectedEventReport, settings: MailSettings): Mail {
  const { language } = settings;
  const words = MAIL_CATALOGUE[language];
  const { fields, headings, rejected } = words;
  const [before, after] = rejected.subject;
  const subject = composeSubject(before, report.accountDisplayName ?? report.accountId, after);

  const details = fieldLines([
    [fields.account, accountLabel(report.accountId, report.accountDisplayName)],
    [fields.region, report.rejected.region],
    [fields.receivedAt, formatTimestamp(report.receivedAt, settings.timeZone, language)],
    [fields.eventId, report.rejected.eventId],
    [fields.detailType, report.rejected.detailType],
  ]);
  const problems = `${headings.problems}\n${report.rejected.problems.map((problem) => `- ${problem}`).join('\n')}`;
  const eventText = JSON.stringify(report.rawEvent, null, 2) ?? String(report.rawEvent);
  const excerpt = { verbatim: `${headings.eventAsReceived}\n${truncateEnd(eventText, MAX_EVENT_EXCERPT_LENGTH, rejected.excerptCut)}` };
  return composeMail(subject, { sections: [rejected.intro, details, problems, excerpt], runbook: 'notifier-or-monitor-failure' }, settings);
}
