import type { Localized } from '../../../contract/languages';
import type { FailureStatus } from '../../../contract/events';

/** Why a State Manager failure could not be linked to the Run Command command of its run. */
export type UnlinkedReason = 'denied' | 'association-gone' | 'no-matching-run' | 'no-command';

/**
 * Every label and sentence of the mails, in Japanese and in English. The renderers choose a language
 * once and take all their words from here, so the two languages cannot drift apart: a key missing in
 * one of them does not compile.
 */
export interface MailCatalogue {
  /** Labels of the `label: value` lines. */
  readonly fields: {
    readonly account: string;
    readonly region: string;
    readonly instance: string;
    readonly document: string;
    readonly status: string;
    readonly occurredAt: string;
    readonly commandId: string;
    readonly associationId: string;
    readonly executionSummary: string;
    readonly errorCode: string;
    readonly platform: string;
    readonly agentVersion: string;
    readonly lastPing: string;
    readonly computerName: string;
    readonly ipAddress: string;
    readonly detectedAt: string;
    readonly recoveredAt: string;
    readonly outage: string;
    readonly receivedAt: string;
    readonly eventId: string;
    readonly detailType: string;
    readonly executedAt: string;
    readonly association: string;
    readonly executionId: string;
    readonly targets: string;
    readonly nodeResults: string;
    readonly schedule: string;
  };
  /** Section headings. */
  readonly headings: {
    readonly errorOutput: string;
    readonly console: string;
    readonly problems: string;
    readonly eventAsReceived: string;
  };
  /** Names of the console pages the mails link to. */
  readonly consolePages: {
    readonly commandInvocation: string;
    readonly association: string;
    readonly managedNode: string;
    readonly ec2Instance: string;
    readonly ec2Instances: string;
    readonly managedNodes: string;
  };

  /** Every mail ends with its runbook and who sent it. */
  readonly runbook: (title: string) => string;
  readonly runbookInRepository: (path: string) => string;
  readonly footer: (environmentName: string) => string;
  /**
   * The last paragraph of every mail: SNS's unsubscribe link below it ends every alert for the
   * address, not just this kind, so whoever wants fewer mails should ask `contact` instead.
   */
  readonly unsubscribeNote: (contact: string | undefined) => string;

  readonly failure: {
    /** Before and after the account name in the subject. */
    readonly subject: (documentName: string, status: string) => readonly [string, string];
    readonly summary: (facts: { account: string; region: string; instance: string; purpose: string; outcome: string; via: string; status: string }) => string;
    /** What the run was for. */
    readonly purposes: {
      readonly ssmAgentUpdate: string;
      readonly cloudWatchAgentUpdate: string;
      /** The environment's own document: the update, then the configuration re-applied and the agent restarted. */
      readonly cloudWatchAgentUpdateAndConfiguration: string;
      readonly packageConfiguration: (packageName: string) => string;
      readonly documentRun: (documentName: string) => string;
    };
    readonly via: { readonly command: string; readonly association: string };
    /** The status in the details. */
    readonly statusValue: (status: string) => string;
    /** What happened to the run, for the summary. */
    readonly outcome: (status: string) => string;
    readonly documentWithPackage: (documentName: string, packageName: string) => string;
    readonly noOutput: string;
    readonly failedStep: (stepName: string) => string;
    readonly outputTruncated: (maxLength: number) => string;
    readonly outputUnavailable: Record<'denied' | 'not-found' | 'no-command' | 'error', string>;
    /** Why an association run could not be linked to its Run Command command, and what that means. */
    readonly unlinked: Record<UnlinkedReason, string>;
  };

  readonly associationRun: {
    /** Before and after the account name in the subject. */
    readonly subject: (documentName: string, status: string, reachedNoNode: boolean) => readonly [string, string];
    readonly failedSummary: (facts: { account: string; region: string; association: string; purpose: string; status: string }) => string;
    readonly noNodeSummary: (facts: { account: string; region: string; association: string; purpose: string; status: string; targets?: string }) => string;
    /** The nodes' results, e.g. 「失敗 1 台、成功 1 台」. */
    readonly nodeCounts: (counts: Readonly<Record<string, number>>) => string;
    readonly nodeFailuresMailedSeparately: (failed: number) => string;
    readonly association: (name: string | undefined, id: string) => string;
    /** The run's status in the details. */
    readonly statusValue: (status: string) => string;
  };

  readonly agentAlarm: {
    readonly subjectPrefix: { readonly lost: string; readonly restored: string };
    readonly lostSummary: (facts: { account: string; region: string; instance: string; pingStatus: string }) => string;
    readonly restoredSummary: (facts: { account: string; region: string; instance: string; pingStatus: string }) => string;
    readonly nodeUnreadable: string;
    readonly duration: (hours: number, minutes: number) => string;
  };

  readonly rejected: {
    readonly subject: readonly [string, string];
    readonly intro: string;
    readonly excerptCut: string;
  };

  readonly subscriptionLost: {
    readonly subject: (count: number) => readonly [string, string];
    readonly summary: (facts: { account: string; region: string; topic: string; count: number }) => string;
    readonly heading: string;
    /** Why each address gets nothing any more. */
    readonly reasons: { readonly missing: string; readonly pending: (hours: number) => string };
    readonly stillConfirmed: (count: number, total: number) => string;
    readonly noneLeft: string;
    readonly topic: string;
    readonly checkedAt: string;
  };
}

const STATUS_WORDS: Record<FailureStatus, Localized<{ label: string; outcome: string }>> = {
  Failed: { ja: { label: '失敗', outcome: '失敗しました' }, en: { label: 'failed', outcome: 'failed' } },
  TimedOut: { ja: { label: 'タイムアウト', outcome: 'タイムアウトしました' }, en: { label: 'timed out', outcome: 'timed out' } },
  Cancelled: { ja: { label: 'キャンセル', outcome: 'キャンセルされました' }, en: { label: 'cancelled', outcome: 'was cancelled' } },
};

function statusWords(status: string): Localized<{ label: string; outcome: string }> | undefined {
  return Object.hasOwn(STATUS_WORDS, status) ? STATUS_WORDS[status as FailureStatus] : undefined;
}

/** The Japanese label of a status, with the status AWS reports: 「失敗 (Failed)」. */
function japaneseStatus(status: string): string {
  const label = statusWords(status)?.ja.label;
  return label ? `${label} (${status})` : status;
}

/** Node statuses of association runs, in the order the mails list them. */
const NODE_STATUS_WORDS: Record<string, Localized> = {
  Failed: { ja: '失敗', en: 'failed' },
  TimedOut: { ja: 'タイムアウト', en: 'timed out' },
  Cancelled: { ja: 'キャンセル', en: 'cancelled' },
  Skipped: { ja: 'スキップ', en: 'skipped' },
  Pending: { ja: '実行待ち', en: 'pending' },
  InProgress: { ja: '実行中', en: 'in progress' },
  Success: { ja: '成功', en: 'succeeded' },
};

function countedNodes(counts: Readonly<Record<string, number>>, language: 'ja' | 'en'): string {
  const known = Object.keys(NODE_STATUS_WORDS);
  const order = (status: string) => (known.includes(status) ? known.indexOf(status) : known.length);
  const parts = Object.entries(counts)
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([status, count]) => {
      const word = Object.hasOwn(NODE_STATUS_WORDS, status) ? NODE_STATUS_WORDS[status]![language] : status;
      return language === 'ja' ? `${word} ${count} 台` : `${count} ${word}`;
    });
  if (parts.length === 0) return language === 'ja' ? 'なし (どのノードからも結果の報告がありません)' : 'none (no node reported a result)';
  return parts.join(language === 'ja' ? '、' : ', ');
}

/** Japanese text sets Latin words off with a space: 「の SSM Agent」, but 「のドキュメント」. */
function spaceBeforeLatin(text: string): string {
  return /^[A-Za-z0-9]/.test(text) ? ` ${text}` : text;
}

/** A contact inside a Japanese sentence, set off by spaces where it starts or ends with Latin text: 「運用チーム」, 「 ops@example.com 」. */
function japaneseContact(contact: string): string {
  return `${spaceBeforeLatin(contact)}${/[A-Za-z0-9)]$/.test(contact) ? ' ' : ''}`;
}

const ja: MailCatalogue = {
  fields: {
    account: 'アカウント',
    region: 'リージョン',
    instance: 'インスタンス',
    document: 'ドキュメント',
    status: '状態',
    occurredAt: '発生日時',
    commandId: 'コマンド ID',
    associationId: '関連付け ID',
    executionSummary: '実行結果の概要',
    errorCode: 'エラーコード',
    platform: 'プラットフォーム',
    agentVersion: 'エージェントのバージョン',
    lastPing: '最後の応答',
    computerName: 'コンピューター名',
    ipAddress: 'IP アドレス',
    detectedAt: '検知日時',
    recoveredAt: '回復日時',
    outage: '接続断の期間',
    receivedAt: '受信日時',
    eventId: 'イベント ID',
    detailType: 'detail-type',
    executedAt: '実行開始日時',
    association: '関連付け',
    executionId: '実行 ID',
    targets: 'ターゲット',
    nodeResults: '対象ノードの結果',
    schedule: 'スケジュール',
  },
  headings: { errorOutput: '■ エラー出力', console: '■ コンソール', problems: '■ 問題点', eventAsReceived: '■ 受信したイベント' },
  consolePages: { commandInvocation: 'このコマンドの実行結果', association: '関連付け', managedNode: 'フリートマネージャー', ec2Instance: 'EC2 のインスタンス', ec2Instances: 'EC2 のインスタンス一覧', managedNodes: 'フリートマネージャー (マネージドノード一覧)' },

  runbook: (title) => `■ 対応手順: ${title}`,
  runbookInRepository: (path) => `リポジトリの ${path} を参照してください。`,
  footer: (environmentName) => `-- \nこのメールは ssm-agent-ops (環境: ${environmentName}) が自動送信しました。`,
  unsubscribeNote: (contact) =>
    `※ この下の unsubscribe のリンクを押すと、このアドレスには今後すべての障害通知が届かなくなります。通知を減らしたいときや宛先を変えたいときは、リンクを押さずに${contact ? japaneseContact(contact) : '、このシステムの設定 (alerts.emails) を管理している担当者'}に連絡してください。`,

  failure: {
    subject: (documentName, status) => ['【SSM 失敗通知】', `: ${documentName} ${japaneseStatus(status)}`],
    summary: ({ account, region, instance, purpose, outcome, via, status }) =>
      `${account} の ${region} で、インスタンス ${instance} の${spaceBeforeLatin(purpose)}が${outcome} (${via}、状態: ${status})。`,
    purposes: {
      ssmAgentUpdate: 'SSM Agent の更新',
      cloudWatchAgentUpdate: 'CloudWatch Agent の更新',
      cloudWatchAgentUpdateAndConfiguration: 'CloudWatch Agent の更新と設定の再適用',
      packageConfiguration: (packageName) => `パッケージ ${packageName} の構成`,
      documentRun: (documentName) => `ドキュメント ${documentName} の実行`,
    },
    via: { command: 'Run Command', association: 'State Manager の関連付け' },
    statusValue: japaneseStatus,
    outcome: (status) => statusWords(status)?.ja.outcome ?? `状態 ${status} で終了しました`,
    documentWithPackage: (documentName, packageName) => `${documentName} (パッケージ: ${packageName})`,
    noOutput: '(出力はありませんでした)',
    failedStep: (stepName) => ` (失敗したステップ: ${stepName})`,
    outputTruncated: (maxLength) =>
      `(長いため末尾 ${maxLength.toLocaleString('ja-JP')} 文字のみ表示しています。全文はコンソールで確認してください。)`,
    outputUnavailable: {
      denied: 'エラー出力は取得できませんでした (通知 Lambda に ssm:GetCommandInvocation の権限がありません)。コンソールで確認してください。',
      'not-found': 'エラー出力は取得できませんでした (コマンドの実行結果が見つかりません。Run Command の履歴は 30 日で消えます)。',
      'no-command': 'コマンドを特定できなかったため、エラー出力はありません。コンソールで関連付けの実行履歴を確認してください。',
      error: 'エラー出力は一時的なエラーのため取得できませんでした。コンソールで確認してください。',
    },
    unlinked: {
      denied:
        'この関連付けの実行を Run Command のコマンドと結び付けられませんでした。通知 Lambda に関連付けの実行履歴 (ssm:DescribeAssociationExecutions など) を読む権限がありません。同じ失敗について Run Command の失敗通知が別に届くことがあります。',
      'association-gone':
        'この関連付けの実行を Run Command のコマンドと結び付けられませんでした。関連付けが既に削除されています。同じ失敗について Run Command の失敗通知が別に届くことがあります。',
      'no-matching-run':
        'この関連付けの実行を Run Command のコマンドと結び付けられませんでした。関連付けの実行履歴に、このインスタンスでのこの実行が見つかりません (履歴が消えた可能性があります)。同じ失敗について Run Command の失敗通知が別に届くことがあります。',
      'no-command': 'この実行では、このインスタンスに Run Command のコマンドが送られていません。コマンドを実行する前に失敗した可能性があります。',
    },
  },

  associationRun: {
    subject: (documentName, status, reachedNoNode) =>
      reachedNoNode
        ? ['【SSM 関連付け 対象なし】', `: ${documentName} の実行対象のノードがありません`]
        : ['【SSM 関連付け失敗】', `: ${documentName} の実行が失敗 (${status})`],
    failedSummary: ({ account, region, association, purpose, status }) =>
      `${account} の ${region} で、State Manager の関連付け ${association} (${purpose}) の実行が失敗しました (状態: ${status})。`,
    noNodeSummary: ({ account, region, association, purpose, status, targets }) =>
      `${account} の ${region} で、State Manager の関連付け ${association} が実行されましたが、対象のノードが 1 台もありませんでした (状態: ${status})。` +
      `ターゲット${targets ? ` (${targets}) ` : ''}に一致するマネージドノードがないため、${purpose}はどのノードでも行われていません。`,
    nodeCounts: (counts) => countedNodes(counts, 'ja'),
    nodeFailuresMailedSeparately: (failed) => `失敗したノード (${failed} 台) については、ノードごとの失敗通知が別に届きます。`,
    association: (name, id) => (name ? `${name} (${id})` : id),
    statusValue: (status) => (Object.hasOwn(NODE_STATUS_WORDS, status) ? `${NODE_STATUS_WORDS[status]!.ja} (${status})` : status),
  },

  agentAlarm: {
    subjectPrefix: { lost: '【SSM 接続断】', restored: '【SSM 接続回復】' },
    lostSummary: ({ account, region, instance, pingStatus }) =>
      `${account} の ${region} で、インスタンス ${instance} の SSM Agent と通信できなくなりました (ping 状態: ${pingStatus})。この間、このインスタンスには Run Command、パッチ適用、エージェントの更新が届きません。`,
    restoredSummary: ({ account, region, instance, pingStatus }) =>
      `${account} の ${region} で、インスタンス ${instance} の SSM Agent と再び通信できるようになりました (ping 状態: ${pingStatus})。`,
    nodeUnreadable:
      'このノードの詳細 (プラットフォーム、エージェントのバージョン、最後の応答) は取得できませんでした。ノードが登録解除または終了された可能性があります。',
    duration: (hours, minutes) => (hours > 0 ? `約 ${hours} 時間 ${minutes} 分` : `約 ${minutes} 分`),
  },

  rejected: {
    subject: ['【ssm-agent-ops 要確認】', ': 処理できないイベントを受信しました'],
    intro:
      '通知 Lambda が、障害通知に変換できないイベントを受信しました。このイベントについての障害通知は送信されていません。再試行しても結果は変わらないため、再試行せずにこのメールでお知らせします。',
    excerptCut: '\n…(以下省略)',
  },

  subscriptionLost: {
    subject: (count) => ['【ssm-agent-ops 要確認】', `: 障害通知が届かない宛先が ${count} 件あります`],
    summary: ({ account, region, topic, count }) =>
      `${account} の ${region} で、障害通知のトピック ${topic} の購読を確認したところ、設定された宛先のうち ${count} 件に通知が届かない状態でした。これらの宛先には、エージェントの更新失敗や接続断のメールが届きません。`,
    heading: '■ 通知が届かない宛先',
    reasons: {
      missing: '購読がありません (unsubscribe のリンクで解除されたか、確認されないまま期限が切れました)',
      pending: (hours) => `購読が確認されていません (${hours} 時間以上、確認のリンクが押されていません)`,
    },
    stillConfirmed: (count, total) => `購読が有効な宛先: ${total} 件中 ${count} 件 (この通知は、その宛先にはメールで届いています)`,
    noneLeft: '購読が有効な宛先が 1 件もありません。この通知はメールでは誰にも届いていません (チャットを設定していればチャットにだけ届きます)。',
    topic: 'トピック',
    checkedAt: '確認日時',
  },
};

const en: MailCatalogue = {
  fields: {
    account: 'Account',
    region: 'Region',
    instance: 'Instance',
    document: 'Document',
    status: 'Status',
    occurredAt: 'When',
    commandId: 'Command ID',
    associationId: 'Association ID',
    executionSummary: 'Execution summary',
    errorCode: 'Error code',
    platform: 'Platform',
    agentVersion: 'Agent version',
    lastPing: 'Last ping',
    computerName: 'Computer name',
    ipAddress: 'IP address',
    detectedAt: 'Detected',
    recoveredAt: 'Recovered',
    outage: 'Outage',
    receivedAt: 'Received',
    eventId: 'Event ID',
    detailType: 'detail-type',
    executedAt: 'Run started',
    association: 'Association',
    executionId: 'Execution ID',
    targets: 'Targets',
    nodeResults: 'Nodes',
    schedule: 'Schedule',
  },
  headings: { errorOutput: '■ Error output', console: '■ Console', problems: '■ Problems', eventAsReceived: '■ The event as received' },
  consolePages: { commandInvocation: 'This command on this instance', association: 'Association', managedNode: 'Fleet Manager', ec2Instance: 'EC2 instance', ec2Instances: 'EC2 instances', managedNodes: 'Fleet Manager (managed nodes)' },

  runbook: (title) => `■ What to do: ${title}`,
  runbookInRepository: (path) => `See ${path} in the repository.`,
  footer: (environmentName) => `-- \nSent automatically by ssm-agent-ops (environment: ${environmentName}).`,
  unsubscribeNote: (contact) =>
    `Note: the unsubscribe link below stops every alert to this address, not just this kind. To get fewer mails or change the address, do not click it: ask ${contact ?? 'whoever manages the alert addresses (alerts.emails) of this system'} instead.`,

  failure: {
    subject: (documentName, status) => ['[SSM failure] ', `: ${documentName} ${status}`],
    summary: ({ account, region, instance, purpose, outcome, via, status }) =>
      `The ${purpose} on instance ${instance} ${outcome} (${via}, status ${status}) in ${region}, account ${account}.`,
    purposes: {
      ssmAgentUpdate: 'SSM Agent update',
      cloudWatchAgentUpdate: 'CloudWatch Agent update',
      cloudWatchAgentUpdateAndConfiguration: 'CloudWatch Agent update and configuration',
      packageConfiguration: (packageName) => `configuration of package ${packageName}`,
      documentRun: (documentName) => `run of document ${documentName}`,
    },
    via: { command: 'Run Command', association: 'State Manager association' },
    statusValue: (status) => status,
    outcome: (status) => statusWords(status)?.en.outcome ?? `ended with status ${status}`,
    documentWithPackage: (documentName, packageName) => `${documentName} (package: ${packageName})`,
    noOutput: '(the step printed nothing)',
    failedStep: (stepName) => ` (failed step: ${stepName})`,
    outputTruncated: (maxLength) => `(Only the last ${maxLength.toLocaleString('en-US')} characters are shown; the console has the full output.)`,
    outputUnavailable: {
      denied: 'The error output could not be read (the notifier is not allowed ssm:GetCommandInvocation). Check it in the console.',
      'not-found': 'The error output could not be read (the command result was not found; Run Command keeps history for 30 days).',
      'no-command': 'The command could not be identified, so there is no error output. Check the association execution history in the console.',
      error: 'The error output could not be read because of a temporary error. Check it in the console.',
    },
    unlinked: {
      denied:
        'This association run could not be linked to its Run Command command: the notifier is not allowed to read the association execution history (ssm:DescribeAssociationExecutions and others). The Run Command alert for the same failure may arrive separately.',
      'association-gone':
        'This association run could not be linked to its Run Command command: the association has been deleted. The Run Command alert for the same failure may arrive separately.',
      'no-matching-run':
        'This association run could not be linked to its Run Command command: the association execution history has no run on this instance that matches (it may have expired). The Run Command alert for the same failure may arrive separately.',
      'no-command': 'State Manager sent no Run Command command to this instance for this run; it probably failed before running one.',
    },
  },

  associationRun: {
    subject: (documentName, status, reachedNoNode) =>
      reachedNoNode ? ['[SSM association: no targets] ', `: ${documentName} ran on no node`] : ['[SSM association failed] ', `: ${documentName} run ${status}`],
    failedSummary: ({ account, region, association, purpose, status }) =>
      `In ${region}, account ${account}, the run of State Manager association ${association} (${purpose}) failed (status ${status}).`,
    noNodeSummary: ({ account, region, association, purpose, status, targets }) =>
      `In ${region}, account ${account}, State Manager association ${association} ran on no node at all (status ${status}). ` +
      `No managed node matches its targets${targets ? ` (${targets})` : ''}, so the ${purpose} happened nowhere.`,
    nodeCounts: (counts) => countedNodes(counts, 'en'),
    nodeFailuresMailedSeparately: (failed) => `Each failed node (${failed} in all) is reported in an alert of its own.`,
    association: (name, id) => (name ? `${name} (${id})` : id),
    statusValue: (status) => status,
  },

  agentAlarm: {
    subjectPrefix: { lost: '[SSM connection lost] ', restored: '[SSM connection restored] ' },
    lostSummary: ({ account, region, instance, pingStatus }) =>
      `In ${region}, account ${account}, the SSM Agent of instance ${instance} stopped answering (ping status ${pingStatus}). Run Command, patching and agent updates cannot reach the instance meanwhile.`,
    restoredSummary: ({ account, region, instance, pingStatus }) =>
      `In ${region}, account ${account}, the SSM Agent of instance ${instance} answers again (ping status ${pingStatus}).`,
    nodeUnreadable: "The node's details (platform, agent version, last ping) could not be read; it may have been deregistered or terminated.",
    duration: (hours, minutes) => (hours > 0 ? `about ${hours} h ${minutes} min` : `about ${minutes} min`),
  },

  rejected: {
    subject: ['[ssm-agent-ops check] ', ': an event could not be handled'],
    intro:
      'The notifier received an event it cannot turn into an alert, so no alert was sent for it. Retrying cannot change that, so it is reported here once instead of being retried.',
    excerptCut: '\n…(cut)',
  },

  subscriptionLost: {
    subject: (count) => ['[ssm-agent-ops check] ', `: ${count} alert address${count === 1 ? '' : 'es'} get${count === 1 ? 's' : ''} nothing`],
    summary: ({ account, region, topic, count }) =>
      `A check of the alert topic ${topic} in ${region}, account ${account}, found ${count} configured address${count === 1 ? '' : 'es'} that no longer receive${count === 1 ? 's' : ''} alerts: no mail about failed agent updates or lost connections reaches ${count === 1 ? 'it' : 'them'}.`,
    heading: '■ Addresses that get nothing',
    reasons: {
      missing: 'no subscription (unsubscribed through the link, or never confirmed and expired)',
      pending: (hours) => `not confirmed (the confirmation link has not been clicked for ${hours} hours or more)`,
    },
    stillConfirmed: (count, total) => `Confirmed addresses: ${count} of ${total} (this report reached them by mail)`,
    noneLeft: 'No configured address has a confirmed subscription: this report reaches nobody by mail, only chat if chat is set up.',
    topic: 'Topic',
    checkedAt: 'Checked',
  },
};

/** The mails' words in each language. */
export const MAIL_CATALOGUE: Localized<MailCatalogue> = { ja, en };
