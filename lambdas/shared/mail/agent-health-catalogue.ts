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
    /** The heading of one group of nodes. */
    readonly group: (state: string, count: number) => string;
    readonly leftOut: (count: number) => string;
  };
  readonly unmanaged: {
    readonly subjectPrefix: { readonly missing: string; readonly registered: string };
    /** `what`: one instance's label, or a count of instances. */
    readonly missingSummary: (facts: { account: string; region: string; what: string | number }) => string;
    readonly registeredSummary: (facts: { account: string; region: string; what: string | number }) => string;
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
      `${account} の ${region} で、接続断をお知らせしたインスタンス ${instance} が停止されました (EC2 の状態: ${state})。停止中は接続断として扱わないため、この通知はここで終わります。予定外の停止なら、誰がなぜ止めたかを確認してください。`,
  },
  digest: {
    subjectPrefix: { lost: '【SSM 接続断 まとめ】', back: '【SSM 接続回復 まとめ】' },
    subjectCount: (count) => `: ${count} 台`,
    summary: ({ account, region, count, direction, sequence }) =>
      direction === 'lost'
        ? `${account} の ${region} で、${count} 台のノードの SSM Agent と同時に通信できなくなりました (一斉変化の ${sequence + 1} 通目)。VPC エンドポイント、ネットワーク、AWS 側の障害など、共通の原因から調べてください。ここに載せたノードには個別のメールは送りません。`
        : `${account} の ${region} で、接続断だった ${count} 台が回復、または停止されました (一斉変化の ${sequence + 1} 通目)。`,
    group: (state, count) => `■ ${stateLabel(state, 'ja')} (${count} 台)`,
    leftOut: (count) => `ほか ${count} 台 (メールの大きさの上限のため省略)`,
  },
  unmanaged: {
    subjectPrefix: { missing: '【SSM 未登録】', registered: '【SSM 登録済み】' },
    missingSummary: ({ account, region, what }) =>
      `${account} の ${region} で、起動中のインスタンス ${typeof what === 'number' ? `${what} 台` : `${what} `}が Systems Manager に登録されていません (マネージドノードではありません)。エージェントの更新が届かず、接続の監視もできません。`,
    registeredSummary: ({ account, region, what }) =>
      `${account} の ${region} で、未登録としてお知らせしたインスタンス ${typeof what === 'number' ? `${what} 台` : `${what} `}が Systems Manager に登録されました。これからは更新と接続の監視の対象です。`,
    causesHeading: '■ 考えられる原因',
    noProfile: 'インスタンスプロファイル (IAM ロール) がない: AmazonSSMManagedInstanceCore を含むロールを付けてください',
    imdsDisabled: 'インスタンスメタデータが無効 (MetadataOptions.HttpEndpoint = disabled): SSM Agent は認証情報をメタデータから得ます',
    generalCauses: [
      'Systems Manager のエンドポイント (ssm、ssmmessages、ec2messages) に HTTPS で届かない (VPC エンドポイントも NAT もない、セキュリティグループやプロキシ)',
      'SSM Agent が入っていない、または止まっている',
      'プロファイルなしで使う Default Host Management Configuration が有効でない',
    ],
    noProfileValue: 'なし',
    instancesHeading: '■ 対象のインスタンス',
    leftOut: (count) => `ほか ${count} 台 (メールの大きさの上限のため省略)`,
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
      `In ${region}, account ${account}, instance ${instance}, reported with a lost connection, was stopped (EC2 state ${state}). A stopped instance is not a lost connection: this alert ends here. If the stop was not planned, find out who stopped it and why.`,
  },
  digest: {
    subjectPrefix: { lost: '[SSM connection lost: digest] ', back: '[SSM connection restored: digest] ' },
    subjectCount: (count) => `: ${count}`,
    summary: ({ account, region, count, direction, sequence }) =>
      direction === 'lost'
        ? `In ${region}, account ${account}, the SSM Agents of ${count} nodes stopped answering at once (mail ${sequence + 1} of this storm). Look for a shared cause first: a VPC endpoint, the network, an AWS event. Listed nodes get no mail of their own.`
        : `In ${region}, account ${account}, ${count} lost nodes answer again or were stopped (mail ${sequence + 1} of this storm).`,
    group: (state, count) => `■ ${stateLabel(state, 'en')} (${count})`,
    leftOut: (count) => `and ${count} more (left out: mail size limit)`,
  },
  unmanaged: {
    subjectPrefix: { missing: '[SSM not registered] ', registered: '[SSM registered] ' },
    missingSummary: ({ account, region, what }) =>
      `In ${region}, account ${account}, ${typeof what === 'number' ? `${what} running instances are` : `running instance ${what} is`} not registered with Systems Manager (not managed nodes): no agent updates reach them, and their connection cannot be watched.`,
    registeredSummary: ({ account, region, what }) =>
      `In ${region}, account ${account}, ${typeof what === 'number' ? `${what} instances` : `instance ${what}`} reported as not registered ${typeof what === 'number' ? 'are' : 'is'} now registered with Systems Manager: updated and watched from now on.`,
    causesHeading: '■ Likely causes',
    noProfile: 'No instance profile (IAM role): attach a role with AmazonSSMManagedInstanceCore',
    imdsDisabled: 'Instance metadata is off (MetadataOptions.HttpEndpoint = disabled): the SSM Agent takes its credentials from it',
    generalCauses: [
      'No HTTPS path to the Systems Manager endpoints (ssm, ssmmessages, ec2messages): no VPC endpoints nor NAT, or a security group or proxy in the way',
      'The SSM Agent is not installed, or not running',
      'Default Host Management Configuration, used instead of instance profiles, is not turned on',
    ],
    noProfileValue: 'none',
    instancesHeading: '■ Instances',
    leftOut: (count) => `and ${count} more (left out: mail size limit)`,
  },
};

export const AGENT_HEALTH_CATALOGUE: Record<Language, AgentHealthCatalogue> = { ja, en };

/** Japanese names of the states digests group nodes by; English headings use AWS's own words. */
const JAPANESE_STATES: Record<string, string> = {
  ConnectionLost: '接続断',
  Inactive: '非アクティブ',
  Online: '回復',
  stopping: '停止中',
  stopped: '停止',
  'shutting-down': '終了処理中',
  terminated: '終了',
};

/** A node's state as a digest's group heading names it: 「停止 (stopped)」, or the state as AWS reports it. */
export function stateLabel(state: string, language: Language): string {
  return language === 'ja' && Object.hasOwn(JAPANESE_STATES, state) ? `${JAPANESE_STATES[state]} (${state})` : state;
}
