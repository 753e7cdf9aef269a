import { snsTopicUrl } from '../shared/console-links';
import { formatTimestamp } from '../shared/time';
import { MAIL_CATALOGUE } from '../shared/mail/catalogue';
import { accountLabel, composeMail, composeSubject, fieldLines, type Mail, type MailSettings } from '../shared/mail/mail';
import type { LossReason } from './plan';

/** Everything the mail about lost subscriptions says. */
export interface LostSubscriptionsReport {
  accountId: string;
  accountDisplayName?: string;
  region: string;
  topicArn: string;
  /** The losses found by this check, each reported once. */
  lost: readonly { address: string; reason: LossReason }[];
  confirmedCount: number;
  configuredCount: number;
  maxPendingHours: number;
  checkedAt: Date;
}

/**
 * The mail sent when configured addresses stop receiving alerts: which ones, why, and that the mail
 * itself reaches only the addresses still subscribed (and chat).
 */
export function renderLostSubscriptionsMail(report: LostSubscriptionsReport, settings: MailSettings): Mail {
  const words = MAIL_CATALOGUE[settings.language];
  const { fields, subscriptionLost } = words;
  const count = report.lost.length;
  const [before, after] = subscriptionLost.subject(count);
  const subject = composeSubject(before, report.accountDisplayName ?? report.accountId, after);
  const account = accountLabel(report.accountId, report.accountDisplayName);
  const topicName = report.topicArn.split(':').pop() ?? report.topicArn;

  const summary = subscriptionLost.summary({ account, region: report.region, topic: topicName, count });
  const reason = (lost: LossReason) => (lost === 'missing' ? subscriptionLost.reasons.missing : subscriptionLost.reasons.pending(report.maxPendingHours));
  const addresses = `${subscriptionLost.heading}\n${report.lost.map((lost) => `- ${lost.address}: ${reason(lost.reason)}`).join('\n')}`;
  const details = fieldLines([
    [fields.account, account],
    [fields.region, report.region],
    [subscriptionLost.topic, report.topicArn],
    [subscriptionLost.checkedAt, formatTimestamp(report.checkedAt, settings.timeZone, settings.language)],
  ]);
  const reach = report.confirmedCount > 0 ? subscriptionLost.stillConfirmed(report.confirmedCount, report.configuredCount) : subscriptionLost.noneLeft;

  return composeMail(
    subject,
    {
      sections: [summary, addresses, details, reach],
      consoleLinks: [[subscriptionLost.topic, snsTopicUrl(report.region, report.topicArn)]],
      runbook: 'subscription-lost',
    },
    settings,
  );
}
