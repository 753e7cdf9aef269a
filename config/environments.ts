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
];
