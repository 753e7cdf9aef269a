import type { Language } from '../../contract/languages';
import type { NodeResult } from './fleet-facts';
import type { UpdateResult } from './sections';

/** Every label and sentence of the weekly report, Japanese and English side by side. */
export interface ReportWords {
  subject: (attention: number) => readonly [string, string];
  summary: (facts: { account: string; region: string; at: string; managed: number; registry: number; attention: number }) => string;
  nodes: (count: number) => string;
  none: string;
  /** The last line of a shortened list: how many were left out, and where to see them all. */
  more: (count: number) => string;
  link: (url: string) => string;
  consoleLink: (url: string) => string;
  headings: {
    versions: string;
    outdated: (count: number) => string;
    untargeted: (count: number, tag: string) => string;
    taggedUnmanaged: (count: number, tag: string) => string;
    cloudWatchNotSucceeded: (count: number) => string;
    cloudWatchSilent: (count: number, namespace: string) => string;
    week: string;
    lost: (count: number) => string;
    stopped: (count: number) => string;
    muted: (count: number, tag: string) => string;
    missing: (count: number) => string;
  };
  latest: string;
  lastRun: (at: string | undefined) => string;
  missingListedAbove: (count: number) => string;
  result: (result: UpdateResult) => string;
  nodeResult: (result: NodeResult) => string;
  week: {
    ssmAgent: (failed: number, runs: number) => string;
    cloudWatchAgent: (failed: number, runs: number) => string;
    wholeRuns: (count: number) => string;
  };
}

const detail = (status: string, detailed?: string) => (detailed && detailed !== status ? `${status}: ${detailed}` : status);
/** Association result statuses in Japanese; any other status is shown as AWS writes it. */
const JA_STATUS: Record<string, string> = { Failed: '失敗', TimedOut: 'タイムアウト', Cancelled: 'キャンセル', Success: '成功', Pending: '未完了', InProgress: '実行中', Skipped: 'スキップ' };
const EN_STATUS: Record<string, string> = { Failed: 'failed', TimedOut: 'timed out', Cancelled: 'cancelled', Success: 'succeeded', Pending: 'not finished', InProgress: 'in progress', Skipped: 'skipped' };
const enResult = (status: string, detailed?: string) => (EN_STATUS[status] ? `${EN_STATUS[status]} (${detail(status, detailed)})` : detail(status, detailed));
const jaResult = (status: string, detailed?: string) => (JA_STATUS[status] ? `${JA_STATUS[status]} (${detail(status, detailed)})` : detail(status, detailed));

const JA: ReportWords = {
  subject: (attention) => ['【週次レポート】', attention > 0 ? `: 要確認 ${attention} 台` : ': 要確認なし'],
  summary: ({ account, region, at, managed, registry, attention }) =>
    `${account}・${region} の SSM Agent と CloudWatch Agent の週次レポートです (${at} 時点)。\n` +
    `監視対象 ${registry} 台 (うち管理対象ノード ${managed} 台) のうち、確認が必要なノードは ${attention} 台です。\n` +
    '問題のないノードはどの一覧にも載せていません。',
  nodes: (count) => `${count} 台`,
  none: '該当なし',
  more: (count) => `…ほか ${count} 台 (全件は下のリンクから)`,
  link: (url) => `一覧: ${url}`,
  consoleLink: (url) => `コンソール: ${url}`,
  headings: {
    versions: '■ SSM Agent: バージョン別の台数',
    outdated: (count) => `■ SSM Agent: 最新版でないノード (${count} 台)`,
    untargeted: (count, tag) => `■ 更新の対象外の管理対象ノード: タグ ${tag} なし (${count} 台)`,
    taggedUnmanaged: (count, tag) => `■ 更新対象 (タグ ${tag}) なのに管理対象ノードでないインスタンス (${count} 台)`,
    cloudWatchNotSucceeded: (count) => `■ CloudWatch Agent: 前回の更新が成功していないノード (${count} 台)`,
    cloudWatchSilent: (count, namespace) => `■ CloudWatch Agent: 3 時間メトリクスが届いていない更新対象ノード (名前空間 ${namespace}、${count} 台)`,
    week: '■ 今週の失敗 (種類別)',
    lost: (count) => `■ 現在、SSM Agent の接続が切れているノード (${count} 台)`,
    stopped: (count) => `■ 現在、停止しているインスタンス (${count} 台)`,
    muted: (count, tag) => `■ ミュート中のノード: タグ ${tag} (${count} 台。ほかの一覧には載せていません)`,
    missing: (count) => `■ 稼働中なのに管理対象ノードでないインスタンス (${count} 台)`,
  },
  latest: '最新',
  lastRun: (at) => (at ? `前回の更新の実行: ${at}` : '直近 35 日に更新の実行が見つかりません。'),
  missingListedAbove: (count) => `更新対象のタグが付いた ${count} 台は、上の「管理対象ノードでないインスタンス」に載せています。`,
  result: (result) => {
    switch (result.kind) {
      case 'succeeded':
        return '前回の更新: 成功 (その後に新しい版が出ています)';
      case 'failed':
        return `前回の更新: ${jaResult(result.status, result.detailedStatus)}`;
      case 'not-run':
        return '前回の更新: 実行されず (その時オフライン、または対象外)';
      case 'not-targeted':
        return '前回の更新: 対象外 (タグなし)';
    }
  },
  nodeResult: (result) => `前回の更新: ${jaResult(result.status, result.detailedStatus)}`,
  week: {
    ssmAgent: (failed, runs) => `- SSM Agent の更新失敗: ${runs > 0 ? `${failed} 台 (今週の実行 ${runs} 回の延べ台数)` : '今週は実行なし'}`,
    cloudWatchAgent: (failed, runs) => `- CloudWatch Agent の更新失敗: ${runs > 0 ? `${failed} 台 (今週の実行 ${runs} 回の延べ台数)` : '今週は実行なし'}`,
    wholeRuns: (count) => `- 実行全体の失敗 (対象なしなど): ${count} 回`,
  },
};

const EN: ReportWords = {
  subject: (attention) => ['[Weekly report] ', attention > 0 ? `: ${attention} node${attention === 1 ? '' : 's'} need attention` : ': nothing needs attention'],
  summary: ({ account, region, at, managed, registry, attention }) =>
    `The weekly report on the SSM Agent and the CloudWatch Agent in ${account}, ${region}, as of ${at}.\n` +
    `Of ${registry} monitored nodes (${managed} of them managed nodes), ${attention} need attention.\n` +
    'Nodes without a problem are in no list.',
  nodes: (count) => `${count} node${count === 1 ? '' : 's'}`,
  none: 'None',
  more: (count) => `…and ${count} more (see the link below for all)`,
  link: (url) => `All of them: ${url}`,
  consoleLink: (url) => `Console: ${url}`,
  headings: {
    versions: '■ SSM Agent: nodes by version',
    outdated: (count) => `■ SSM Agent: nodes not on the latest version (${count})`,
    untargeted: (count, tag) => `■ Managed nodes the updates do not target: no ${tag} tag (${count})`,
    taggedUnmanaged: (count, tag) => `■ Update targets (${tag}) that are not managed nodes (${count})`,
    cloudWatchNotSucceeded: (count) => `■ CloudWatch Agent: nodes whose last update did not succeed (${count})`,
    cloudWatchSilent: (count, namespace) => `■ CloudWatch Agent: targeted nodes with no metric for 3 hours (namespace ${namespace}, ${count})`,
    week: "■ This week's failures by kind",
    lost: (count) => `■ Nodes whose SSM Agent is not connected now (${count})`,
    stopped: (count) => `■ Instances stopped now (${count})`,
    muted: (count, tag) => `■ Muted nodes: tag ${tag} (${count}; left out of every other list)`,
    missing: (count) => `■ Running instances that are not managed nodes (${count})`,
  },
  latest: 'latest',
  lastRun: (at) => (at ? `Last update run: ${at}` : 'No update run found in the last 35 days.'),
  missingListedAbove: (count) => `${count} with the update target tag are listed above, under the update targets that are not managed nodes.`,
  result: (result) => {
    switch (result.kind) {
      case 'succeeded':
        return 'last update: succeeded (a newer version came out since)';
      case 'failed':
        return `last update: ${enResult(result.status, result.detailedStatus)}`;
      case 'not-run':
        return 'last update: did not run (offline then, or not targeted)';
      case 'not-targeted':
        return 'last update: not targeted (no tag)';
    }
  },
  nodeResult: (result) => `last update: ${enResult(result.status, result.detailedStatus)}`,
  week: {
    ssmAgent: (failed, runs) => `- SSM Agent update failures: ${runs > 0 ? `${failed} node${failed === 1 ? '' : 's'} over this week's ${runs} run${runs === 1 ? '' : 's'}` : 'no run this week'}`,
    cloudWatchAgent: (failed, runs) => `- CloudWatch Agent update failures: ${runs > 0 ? `${failed} node${failed === 1 ? '' : 's'} over this week's ${runs} run${runs === 1 ? '' : 's'}` : 'no run this week'}`,
    wholeRuns: (count) => `- Runs that failed as a whole (no targets and the like): ${count}`,
  },
};

export const REPORT_WORDS: Record<Language, ReportWords> = { ja: JA, en: EN };
