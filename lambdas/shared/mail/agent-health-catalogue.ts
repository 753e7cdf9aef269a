import type { Language } from '../../../contract/languages';

/**
 * The words of the agent health mails beyond the single connection-lost and recovered mails: a
 * stopped instance, the storm digests, and instances that are not managed nodes. Kept beside the main
 * catalogue, with the same rule: a key missing in one language does not compile.
 */
export interface AgentHealthCatalogue {
  readonly fields: {
    readonly ec2State: string;
    readonly name: string;
    readonly launchedAt: string;
    readonly profile: string;
    readonly imds: string;
    readonly stormOpenedAt: string;
    readonly stopNoticedAt: string;
  };
  readonly stopped: {
    readonly subjectPrefix: string;
    readonly summary: (facts: { account: string; region: string; instance: string; state: string }) => string;
  };
  readonly digest: {
    readonly subjectPrefix: { readonly lost: string; readonly back: string };
    readonly subjectCount: (count: number) => string;
    readonly summary: (facts: { account: string; region: string; count: number; direction: 'lost' | 'back'; sequence: number }) => string;
    readonly noSingleMails: string;
    /** The heading of one group of nodes. */
    readonly group: (state: string, count: number) => string;
    readonly lastPing: (when: string) => string;
    readonly leftOut: (count: number) => string;
    readonly noPlatform: string;
  };
  readonly unmanaged: {
    readonly subjectPrefix: { readonly missing: string; readonly registered: string };
    readonly subjectCount: (count: number) => string;
    readonly missingSummary: (facts: { account: string; region: string; instance: string }) => string;
    readonly missingManySummary: (facts: { account: string; region: string; count: number }) => string;
    readonly registeredSummary: (facts: { account: string; region: string; instance: string }) => string;
    readonly registeredManySummary: (facts: { account: string; region: string; count: number }) => string;
    readonly causesHeading: string;
    readonly noProfile: string;
    readonly imdsDisabled: string;
    readonly generalCauses: readonly string[];
    readonly noProfileValue: string;
    readonly instancesHeading: string;
    readonly leftOut: (count: number) => string;
  };
}

const ja: AgentHealthCatalogue = {
  fields: {
    ec2State: 'EC2 の状態',
    name: 'Name タグ',
    launchedAt: '最後の起動',
    profile: 'インスタンスプロファイル',
    imds: 'インスタンスメタデータ',
    stormOpenedAt: '一斉変化の開始',
    stopNoticedAt: '停止の確認',
  },
  stopped: {
    subjectPrefix: '【SSM 停止】',
    summary: ({ account, region, instance, state }) =>
      `${account} の ${region} で、接続断をお知らせしていたインスタンス ${instance} が停止されました (EC2 の状態: ${state})。停止中のインスタンスは接続断として扱わないため、この接続断の通知はここで終わりです。停止が予定外であれば、誰がなぜ停止したのかを確認してください。`,
  },
  digest: {
    subjectPrefix: { lost: '【SSM 接続断 まとめ】', back: '【SSM 接続回復 まとめ】' },
    subjectCount: (count) => `: ${count} 台`,
    summary: ({ account, region, count, direction, sequence }) =>
      direction === 'lost'
        ? `${account} の ${region} で、多数のノードの SSM Agent と同時に通信できなくなりました。このメールでは ${count} 台をまとめてお知らせします (一斉変化の ${sequence + 1} 通目)。一度に多くのノードが切れるときは、VPC エンドポイント、ネットワーク、プロキシ、または AWS 側の障害など、共通の原因があることがほとんどです。1 台ずつではなく、共通の原因から調べてください。`
        : `${account} の ${region} で、接続断をお知らせしていたノードのうち ${count} 台が回復、または停止されました (一斉変化の ${sequence + 1} 通目)。`,
    noSingleMails:
      'ここに載せたノードには、1 台ずつのメールは送りません。一斉変化が続く間は、その後に変化したノードも、間隔を少しずつ空けながら同じようにまとめてお知らせします。',
    group: (state, count) => `■ ${stateLabel(state, 'ja')} (${count} 台)`,
    lastPing: (when) => `最後の応答 ${when}`,
    leftOut: (count) => `ほか ${count} 台 (メールの大きさの上限のため省略しました。一覧はフリートマネージャーで確認できます)`,
    noPlatform: 'プラットフォーム不明',
  },
  unmanaged: {
    subjectPrefix: { missing: '【SSM 未登録】', registered: '【SSM 登録済み】' },
    subjectCount: (count) => `: ${count} 台`,
    missingSummary: ({ account, region, instance }) =>
      `${account} の ${region} で、起動中のインスタンス ${instance} が Systems Manager のマネージドノードとして登録されていません。このインスタンスには SSM Agent と CloudWatch Agent の更新が届かず、接続の監視もできません。`,
    missingManySummary: ({ account, region, count }) =>
      `${account} の ${region} で、起動中のインスタンス ${count} 台が Systems Manager のマネージドノードとして登録されていません。これらのインスタンスには SSM Agent と CloudWatch Agent の更新が届かず、接続の監視もできません。`,
    registeredSummary: ({ account, region, instance }) =>
      `${account} の ${region} で、未登録としてお知らせしていたインスタンス ${instance} が Systems Manager のマネージドノードとして登録されました。これからは更新と接続の監視の対象になります。`,
    registeredManySummary: ({ account, region, count }) =>
      `${account} の ${region} で、未登録としてお知らせしていたインスタンス ${count} 台が Systems Manager のマネージドノードとして登録されました。これからは更新と接続の監視の対象になります。`,
    causesHeading: '■ 考えられる原因',
    noProfile:
      'インスタンスプロファイル (IAM ロール) が付いていません。AmazonSSMManagedInstanceCore ポリシーを含むロールを付けるか、このアカウントとリージョンで Default Host Management Configuration を有効にしてください。',
    imdsDisabled:
      'インスタンスメタデータが無効です (MetadataOptions.HttpEndpoint = disabled)。SSM Agent はメタデータから認証情報とリージョンを得るため、メタデータを有効にしてください。',
    generalCauses: [
      'Systems Manager のエンドポイント (ssm、ssmmessages、ec2messages) に HTTPS (443) で届かない: プライベートサブネットで VPC エンドポイントも NAT もない、セキュリティグループやプロキシが通信を止めている',
      'SSM Agent がインストールされていない、または停止している',
      'インスタンスプロファイルの代わりに Default Host Management Configuration を使う場合は、それが有効になっていない (IMDSv2 と新しい SSM Agent が必要です)',
    ],
    noProfileValue: 'なし',
    instancesHeading: '■ 対象のインスタンス',
    leftOut: (count) => `ほか ${count} 台 (メールの大きさの上限のため省略しました)`,
  },
};

const en: AgentHealthCatalogue = {
  fields: {
    ec2State: 'EC2 state',
    name: 'Name tag',
    launchedAt: 'Last started',
    profile: 'Instance profile',
    imds: 'Instance metadata',
    stormOpenedAt: 'Storm began',
    stopNoticedAt: 'Stop noticed',
  },
  stopped: {
    subjectPrefix: '[SSM stopped] ',
    summary: ({ account, region, instance, state }) =>
      `In ${region}, account ${account}, instance ${instance}, whose lost SSM Agent connection was reported, has been stopped (EC2 state ${state}). A stopped instance is not a lost connection, so this alert ends here. If the stop was not planned, find out who stopped it and why.`,
  },
  digest: {
    subjectPrefix: { lost: '[SSM connection lost: digest] ', back: '[SSM connection restored: digest] ' },
    subjectCount: (count) => `: ${count} node${count === 1 ? '' : 's'}`,
    summary: ({ account, region, count, direction, sequence }) =>
      direction === 'lost'
        ? `In ${region}, account ${account}, many SSM Agents stopped answering at the same time. This mail lists ${count} of them at once (mail ${sequence + 1} of this storm). When many nodes drop together, the cause is almost always shared: a VPC endpoint, the network, a proxy, or an AWS event. Look for that cause rather than at each node.`
        : `In ${region}, account ${account}, ${count} of the nodes reported as lost answer again or were stopped (mail ${sequence + 1} of this storm).`,
    noSingleMails:
      'The nodes listed here get no mail of their own. While the storm lasts, nodes that change later are listed the same way, in mails that come at growing intervals.',
    group: (state, count) => `■ ${stateLabel(state, 'en')} (${count})`,
    lastPing: (when) => `last ping ${when}`,
    leftOut: (count) => `and ${count} more (left out to stay within the mail size limit; Fleet Manager lists them all)`,
    noPlatform: 'platform unknown',
  },
  unmanaged: {
    subjectPrefix: { missing: '[SSM not registered] ', registered: '[SSM registered] ' },
    subjectCount: (count) => `: ${count} instance${count === 1 ? '' : 's'}`,
    missingSummary: ({ account, region, instance }) =>
      `In ${region}, account ${account}, running instance ${instance} is not a Systems Manager managed node. Its SSM Agent and CloudWatch Agent get no updates, and its connection cannot be watched.`,
    missingManySummary: ({ account, region, count }) =>
      `In ${region}, account ${account}, ${count} running instances are not Systems Manager managed nodes. Their SSM Agents and CloudWatch Agents get no updates, and their connections cannot be watched.`,
    registeredSummary: ({ account, region, instance }) =>
      `In ${region}, account ${account}, instance ${instance}, reported as not registered, is now a Systems Manager managed node. It is updated and watched from now on.`,
    registeredManySummary: ({ account, region, count }) =>
      `In ${region}, account ${account}, ${count} instances reported as not registered are now Systems Manager managed nodes. They are updated and watched from now on.`,
    causesHeading: '■ Likely causes',
    noProfile:
      'The instance has no instance profile (IAM role). Attach a role with the AmazonSSMManagedInstanceCore policy, or turn on Default Host Management Configuration for this account and Region.',
    imdsDisabled:
      'Instance metadata is turned off (MetadataOptions.HttpEndpoint = disabled). The SSM Agent takes its credentials and Region from instance metadata: turn it on.',
    generalCauses: [
      'No HTTPS (443) path to the Systems Manager endpoints (ssm, ssmmessages, ec2messages): a private subnet with neither VPC endpoints nor NAT, or a security group or proxy in the way',
      'The SSM Agent is not installed, or not running',
      'Default Host Management Configuration, if used instead of an instance profile, is not turned on (it needs IMDSv2 and a recent SSM Agent)',
    ],
    noProfileValue: 'none',
    instancesHeading: '■ Instances',
    leftOut: (count) => `and ${count} more (left out to stay within the mail size limit)`,
  },
};

export const AGENT_HEALTH_CATALOGUE: Record<Language, AgentHealthCatalogue> = { ja, en };

const STATE_WORDS: Record<string, Record<Language, string>> = {
  ConnectionLost: { ja: '接続断 (ConnectionLost)', en: 'connection lost (ConnectionLost)' },
  Inactive: { ja: '非アクティブ (Inactive)', en: 'inactive (Inactive)' },
  Online: { ja: '回復 (Online)', en: 'answering again (Online)' },
  stopping: { ja: '停止中 (stopping)', en: 'stopping' },
  stopped: { ja: '停止 (stopped)', en: 'stopped' },
  'shutting-down': { ja: '終了処理中 (shutting-down)', en: 'shutting down' },
  terminated: { ja: '終了 (terminated)', en: 'terminated' },
};

/** A node's state as a digest's group heading names it; an unknown state as AWS reports it. */
export function stateLabel(state: string, language: Language): string {
  return Object.hasOwn(STATE_WORDS, state) ? STATE_WORDS[state]![language] : state;
}
