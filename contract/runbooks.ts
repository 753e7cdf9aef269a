import type { Language, Localized } from './languages';

/** Every operator runbook under `help/`, by id, with its title in each language. */
export const RUNBOOKS = {
  'ssm-agent-update-failure': { ja: 'SSM Agent の更新失敗', en: 'SSM Agent update failure' },
  'cloudwatch-agent-update-failure': { ja: 'CloudWatch Agent の更新失敗', en: 'CloudWatch Agent update failure' },
  'association-failure': { ja: 'State Manager 関連付けの失敗', en: 'State Manager association failure' },
  'association-run-failure': { ja: 'State Manager 関連付けの実行全体の失敗・対象なし', en: 'State Manager association run failed or found no targets' },
  'command-failure': { ja: 'Run Command の失敗', en: 'Run Command failure' },
  'agent-connection-lost': { ja: 'SSM Agent の接続断 (ConnectionLost)', en: 'SSM Agent connection lost' },
  'notifier-or-monitor-failure': { ja: '通知・監視 Lambda の障害', en: 'Notifier or monitor failure' },
  'unconfirmed-subscriptions': { ja: 'メール購読が未確認', en: 'Unconfirmed e-mail subscriptions' },
  'subscription-lost': { ja: '障害通知が届かない宛先がある', en: 'Addresses that no longer get alerts' },
  'weekly-report': { ja: '週次フリートレポート', en: 'Weekly fleet report' },
  'agent-instance-stopped': { ja: '接続断のインスタンスが停止された', en: 'An instance with a lost connection was stopped' },
  'agent-connection-digest': { ja: '多数のノードの接続断・回復 (まとめ)', en: 'Many nodes lost or restored at once (digest)' },
  'unmanaged-instance': { ja: 'SSM 未登録のインスタンス', en: 'Instances that are not managed nodes' },
} as const satisfies Record<string, Localized>;

export type RunbookId = keyof typeof RUNBOOKS;

/** Where a runbook lives in the repository, and its URL when a base URL is configured. */
export function runbookLocation(id: RunbookId, language: Language, baseUrl?: string): { title: string; path: string; url?: string } {
  const path = `help/${id}.${language}.md`;
  const title = RUNBOOKS[id][language];
  if (!baseUrl) return { title, path };
  return { title, path, url: `${baseUrl.replace(/\/+$/, '')}/${path}` };
}
