import type { EnvironmentInput } from '../../config/schema';

/** The smallest valid settings of one environment: only the required fields, every default taken. */
export const minimalEnvironment: EnvironmentInput = {
  name: 'dev',
  accountId: '111111111111',
  region: 'ap-northeast-1',
  state: { bucket: 'example-tfstate', region: 'ap-northeast-1' },
  accountDisplayName: { value: '開発アカウント' },
  alerts: { topicName: 'OPE-dev', emails: ['ops@example.com'] },
};
