import { truncateEnd } from '../shared/text';
import { formatTimestamp } from '../shared/time';
import type { RejectedEvent } from './events';
import { accountLabel, composeBody, composeSubject, fieldLines, type Mail, type MailSettings } from './mail';

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
  const ja = language === 'ja';
  const name = report.accountDisplayName ?? report.accountId;
  const subject = ja
    ? composeSubject('【ssm-agent-ops 要確認】', name, ': 処理できないイベントを受信しました')
    : composeSubject('[ssm-agent-ops check] ', name, ': an event could not be handled');

  const intro = ja
    ? '通知 Lambda が、障害通知に変換できないイベントを受信しました。このイベントについての障害通知は送信されていません。再試行しても結果は変わらないため、再試行せずにこのメールでお知らせします。'
    : 'The notifier received an event it cannot turn into an alert, so no alert was sent for it. Retrying cannot change that, so it is reported here once instead of being retried.';
  const account = accountLabel(report.accountId, report.accountDisplayName);
  const details = fieldLines(
    ja
      ? [
          ['アカウント', account],
          ['リージョン', report.rejected.region],
          ['受信日時', formatTimestamp(report.receivedAt, settings.timeZone, language)],
          ['イベント ID', report.rejected.eventId],
          ['detail-type', report.rejected.detailType],
        ]
      : [
          ['Account', account],
          ['Region', report.rejected.region],
          ['Received', formatTimestamp(report.receivedAt, settings.timeZone, language)],
          ['Event ID', report.rejected.eventId],
          ['detail-type', report.rejected.detailType],
        ],
  );
  const problems = `${ja ? '■ 問題点' : '■ Problems'}\n${report.rejected.problems.map((problem) => `- ${problem}`).join('\n')}`;
  const excerpt = `${ja ? '■ 受信したイベント' : '■ The event as received'}\n${truncateEnd(
    JSON.stringify(report.rawEvent, null, 2) ?? String(report.rawEvent),
    MAX_EVENT_EXCERPT_LENGTH,
    ja ? '\n…(以下省略)' : '\n…(cut)',
  )}`;
  return { subject, body: composeBody([intro, details, problems, excerpt], 'notifier-or-monitor-failure', settings) };
}
