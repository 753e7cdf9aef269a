import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { lambdaNames, DIST_DIR } from '../build';
import { measureNode, median } from './measure';

/** Settings every function reads at cold start, with stand-in values. */
const STAND_IN_ENVIRONMENT = {
  AWS_REGION: 'ap-northeast-1',
  ALERT_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:OPE',
  ACCOUNT_DISPLAY_NAME_PARAMETER: '/ssm-agent-ops/bench/account-display-name',
  IDEMPOTENCY_TABLE: 'ssm-agent-ops-bench-notifier-idempotency',
  WATCHED_STATUSES: 'Failed,TimedOut',
  AGENT_ALARM_PREFIX: 'ssm-agent-ops-bench-agent-',
  MAIL_LANGUAGE: 'ja',
  MAIL_TIME_ZONE: 'Asia/Tokyo',
  ENVIRONMENT_NAME: 'bench',
  METRIC_NAMESPACE: 'SSMAgentOps/bench',
  ALARM_NAME_PREFIX: 'ssm-agent-ops-bench-agent-',
};

export interface BundleFigures {
  name: string;
  bytes: number;
  gzipBytes: number;
  coldRequireMs: number;
}

/** Size of each Lambda bundle and the time a fresh Node.js process takes to load it (median of `runs`). */
export function benchBundles(runs = 5): BundleFigures[] {
  return lambdaNames().map((name) => {
    const bundle = join(DIST_DIR, name, 'index.js');
    const bytes = readFileSync(bundle);
    const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
    const times = Array.from({ length: runs }, () => measureNode(['-e', script], STAND_IN_ENVIRONMENT).stdout).map(Number);
    return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes).length, coldRequireMs: median(times) };
  });
}
