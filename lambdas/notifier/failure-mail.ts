import type { Language, Localized } from '../../contract/languages';
import type { RunbookId } from '../../contract/runbooks';
import { CLOUDWATCH_AGENT_PACKAGE, PACKAGE_DOCUMENT, SSM_AGENT_UPDATE_DOCUMENT } from '../../contract/ssm-documents';
import { associationUrl, commandInvocationUrl } from '../shared/console-links';
import { keepTail } from '../shared/text';
import { formatTimestamp } from '../shared/time';
import { accountLabel, composeBody, composeSubject, fieldLines, instanceLabel, type Mail, type MailSettings } from './mail';


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
  executionSummary?: string;
  errorCode?: string;
  output: StepOutput;
}

const STATUSES: Record<string, { label: Localized; outcome: Localized }> = {
  Failed: { label: { ja: '失敗', en: 'failed' }, outcome: { ja: '失敗しました', en: 'failed' } },
  TimedOut: { label: { ja: 'タイムアウト', en: 'timed out' }, outcome: { ja: 'タイムアウトしました', en: 'timed out' } },
  Cancelled: { label: { ja: 'キャンセル', en: 'cancelled' }, outcome: { ja: 'キャンセルされました', en: 'was cancelled' } },
};

function statusLabel(status: string, language: Language): string {
  const label = STATUSES[status]?.label[language];
  return label ? `${label} (${status})` : status;
}

function statusOutcome(status: string, language: Language): string {
  return STATUSES[status]?.outcome[language] ?? (language === 'ja' ? `状態 ${status} で終了しました` : `ended with status ${status}`);
}

/** The runbook an operator should follow for this failure. */
export function failureRunbook(report: Pick<FailureReport, 'documentName' | 'packageName' | 'source'>): RunbookId {
  if (report.documentName === SSM_AGENT_UPDATE_DOCUMENT) return 'ssm-agent-update-failure';
  if (report.documentName === PACKAGE_DOCUMENT && (report.packageName ?? CLOUDWATCH_AGENT_PACKAGE) === CLOUDWATCH_AGENT_PACKAGE) {
    return 'cloudwatch-agent-update-failure';
  }
  return report.source === 'association' ? 'association-failure' : 'command-failure';
}

/** What the failed run was for, in words. */
function purpose(report: FailureReport, language: Language): string {
  if (report.documentName === SSM_AGENT_UPDATE_DOCUMENT) return language === 'ja' ? 'SSM Agent の更新' : 'SSM Agent update';
  if (report.documentName === PACKAGE_DOCUMENT) {
    const name = report.packageName ?? CLOUDWATCH_AGENT_PACKAGE;
    if (name === CLOUDWATCH_AGENT_PACKAGE) return language === 'ja' ? 'CloudWatch Agent の更新' : 'CloudWatch Agent update';
    return language === 'ja' ? `パッケージ ${name} の構成` : `configuration of package ${name}`;
  }
  return language === 'ja' ? `ドキュメント ${report.documentName} の実行` : `run of document ${report.documentName}`;
}

/** Japanese text sets Latin words off with a space: 「の SSM Agent」, but 「のドキュメント」. */
function spaceBeforeLatin(text: string): string {
  return /^[A-Za-z0-9]/.test(text) ? ` ${text}` : text;
}

function documentLabel(report: FailureReport, language: Language): string {
  if (!report.packageName) return report.documentName;
  return language === 'ja'
    ? `${report.documentName} (パッケージ: ${report.packageName})`
    : `${report.documentName} (package: ${report.packageName})`;
}

const UNAVAILABLE: Record<Extract<StepOutput, { kind: 'unavailable' }>['reason'], Localized> = {
  denied: {
    ja: 'エラー出力は取得できませんでした (通知 Lambda に ssm:GetCommandInvocation の権限がありません)。コンソールで確認してください。',
    en: 'The error output could not be read (the notifier is not allowed ssm:GetCommandInvocation). Check it in the console.',
  },
  'not-found': {
    ja: 'エラー出力は取得できませんでした (コマンドの実行結果が見つかりません。Run Command の履歴は 30 日で消えます)。',
    en: 'The error output could not be read (the command result was not found; Run Command keeps history for 30 days).',
  },
  'no-command': {
    ja: 'この関連付けの実行に対応するコマンドを特定できなかったため、エラー出力はありません。コンソールの関連付けの実行履歴で確認してください。',
    en: 'The command behind this association run could not be identified, so there is no error output. Check the association execution history in the console.',
  },
  error: {
    ja: 'エラー出力は一時的なエラーのため取得できませんでした。コンソールで確認してください。',
    en: 'The error output could not be read because of a temporary error. Check it in the console.',
  },
};

function outputSection(output: StepOutput, language: Language): string {
  const ja = language === 'ja';
  if (output.kind === 'empty') return ja ? '■ エラー出力\n(出力はありませんでした)' : '■ Error output\n(the step printed nothing)';
  if (output.kind === 'unavailable') return `${ja ? '■ エラー出力' : '■ Error output'}\n${UNAVAILABLE[output.reason][language]}`;
  const { text, truncated } = keepTail(output.text.trimEnd(), MAX_OUTPUT_LENGTH);
  const step = output.stepName ? (ja ? ` (失敗したステップ: ${output.stepName})` : ` (failed step: ${output.stepName})`) : '';
  const note = truncated
    ? ja
      ? `\n(長いため末尾 ${MAX_OUTPUT_LENGTH.toLocaleString('ja-JP')} 文字のみ表示しています。全文はコンソールで確認してください。)`
      : `\n(Only the last ${MAX_OUTPUT_LENGTH.toLocaleString('en-US')} characters are shown; the console has the full output.)`
    : '';
  return `${ja ? '■ エラー出力' : '■ Error output'}${step}\n----------\n${text}\n----------${note}`;
}

/** The mail for one failed run: what failed, where, when, why, and what to do. */
export function renderFailureMail(report: FailureReport, settings: MailSettings): Mail {
  const { language, timeZone } = settings;
  const ja = language === 'ja';
  const name = report.accountDisplayName ?? report.accountId;
  const subject = ja
    ? composeSubject('【SSM 失敗通知】', name, `: ${report.documentName} ${statusLabel(report.status, language)}`)
    : composeSubject('[SSM failure] ', name, `: ${report.documentName} ${report.status}`);

  const instance = instanceLabel(report.instanceId, report.instanceName);
  const when = formatTimestamp(report.occurredAt, timeZone, language);
  const via = report.source === 'association' ? (ja ? 'State Manager の関連付け' : 'State Manager association') : 'Run Command';
  const account = accountLabel(report.accountId, report.accountDisplayName);
  const summary = ja
    ? `${account} の ${report.region} で、インスタンス ${instance} の${spaceBeforeLatin(purpose(report, language))}が${statusOutcome(report.status, language)} (${via}、状態: ${report.status})。`
    : `The ${purpose(report, language)} on instance ${instance} ${statusOutcome(report.status, language)} (${via}, status ${report.status}) in ${report.region}, account ${account}.`;

  const details = fieldLines(
    ja
      ? [
          ['アカウント', account],
          ['リージョン', report.region],
          ['インスタンス', instance],
          ['ドキュメント', documentLabel(report, language)],
          ['状態', statusLabel(report.status, language)],
          ['発生日時', when],
          ['コマンド ID', report.commandId],
          ['関連付け ID', report.associationId],
          ['実行結果の概要', report.executionSummary],
          ['エラーコード', report.errorCode],
        ]
      : [
          ['Account', account],
          ['Region', report.region],
          ['Instance', instance],
          ['Document', documentLabel(report, language)],
          ['Status', report.status],
          ['When', when],
          ['Command ID', report.commandId],
          ['Association ID', report.associationId],
          ['Execution summary', report.executionSummary],
          ['Error code', report.errorCode],
        ],
  );

  const links: string[] = [];
  if (report.commandId) {
    links.push(`${ja ? 'このコマンドの実行結果' : 'This command on this instance'}: ${commandInvocationUrl(report.region, report.commandId, report.instanceId)}`);
  }
  if (report.associationId) {
    links.push(`${ja ? '関連付け' : 'Association'}: ${associationUrl(report.region, report.associationId)}`);
  }

  const body = composeBody(
    [summary, details, outputSection(report.output, language), `${ja ? '■ コンソール' : '■ Console'}\n${links.join('\n')}`],
    failureRunbook(report),
    settings,
  );
  return { subject, body };
}
