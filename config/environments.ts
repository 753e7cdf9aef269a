import type { EnvironmentInput } from './schema';

/**
 * The environments this app deploys, one stack each. These example values synthesize and plan without
 * an AWS account; replace the account IDs, buckets and addresses with your own before deploying.
 * Omitted fields take the defaults of SPEC section 1 (see README "Configuration").
 */
const shared = {
  region: 'ap-northeast-1',
  tags: { Project: 'ssm-agent-ops', ManagedBy: 'cdktf' },
  state: { bucket: 'example-ssm-agent-ops-tfstate', region: 'ap-northeast-1' },
} satisfies Partial<EnvironmentInput>;

export const environments: EnvironmentInput[] = [
  {
    ...shared,
    name: 'dev',
    accountId: '111111111111',
    tags: { ...shared.tags, Environment: 'dev' },
    accountDisplayName: { value: '開発アカウント' },
    alerts: { topicName: 'OPE-dev', emails: ['ops-dev@example.com'] },
    // The chat channel is configured outside this stack, subscribed to the chat_topic_arn output.
    chat: { channel: 'topic-only' },
    logRetentionDays: 30,
  },
  {
    ...shared,
    name: 'stg',
    accountId: '222222222222',
    tags: { ...shared.tags, Environment: 'stg' },
    accountDisplayName: { value: '検証アカウント' },
    alerts: { topicName: 'OPE-stg', emails: ['ops-stg@example.com'] },
    // Each CloudWatch Agent update also re-applies the agent's configuration and restarts the agent;
    // the instances' role must be allowed to read these parameters (README "CloudWatch Agent updates").
    cloudWatchAgentUpdate: { configurationParameter: { linux: 'AmazonCloudWatch-linux', windows: 'AmazonCloudWatch-windows' } },
    // Replace with your Slack workspace and channel IDs (the workspace must be authorised in the console once).
    chat: { channel: 'slack', workspaceId: 'T0EXAMPLE01', channelId: 'C0EXAMPLE01' },
    logRetentionDays: 90,
  },
  {
    ...shared,
    name: 'prod',
    accountId: '333333333333',
    tags: { ...shared.tags, Environment: 'prod' },
    accountDisplayName: { value: '本番アカウント' },
    alerts: {
      topicName: 'OPE',
      emails: ['ops@example.com', 'ops-oncall@example.com'],
      unsubscribeContact: '運用チームのリーダー (ops-lead@example.com)',
    },
    logRetentionDays: 400,
  },
  // One notification hub for several accounts and Regions: the hub mails everything; its spokes
  // forward their alerts to it and have no topic, subscriptions or notifier of their own. Every stack
  // is planned through a role in its own account, so one pipeline credential plans them all
  // (README "Many accounts and Regions").
  {
    ...shared,
    name: 'ops-hub',
    accountId: '444444444444',
    tags: { ...shared.tags, Environment: 'ops-hub' },
    deployRole: { roleArn: 'arn:aws:iam::444444444444:role/ssm-agent-ops-deploy', sessionName: 'ssm-agent-ops-plan' },
    accountDisplayName: { value: '運用ハブアカウント' },
    alerts: { topicName: 'OPE-hub', emails: ['ops@example.com'] },
    hub: true,
  },
  {
    ...shared,
    name: 'web',
    accountId: '555555555555',
    // Two Regions: one stack each, both spokes of ops-hub.
    regions: ['ap-northeast-1', 'us-east-1'],
    tags: { ...shared.tags, Environment: 'web' },
    deployRole: { roleArn: 'arn:aws:iam::555555555555:role/ssm-agent-ops-deploy', externalId: 'ssm-agent-ops-example' },
    accountDisplayName: { value: 'Web サービスアカウント' },
    notifyThrough: 'ops-hub',
  },
  {
    ...shared,
    name: 'batch',
    accountId: '666666666666',
    region: 'us-west-2',
    tags: { ...shared.tags, Environment: 'batch' },
    deployRole: { roleArn: 'arn:aws:iam::666666666666:role/ssm-agent-ops-deploy' },
    accountDisplayName: { value: 'バッチアカウント' },
    notifyThrough: 'ops-hub',
  },
];
