import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { agentMonitorEnvironment } from '../../contract/agent-monitor-environment';
import { environmentNames } from '../../contract/names';
import { notifierEnvironment } from '../../contract/notifier-environment';
import { subscriptionCheckEnvironment } from '../../contract/subscription-check-environment';
import { lambdaNames, DIST_DIR } from '../build';
import { measureNode, median } from './measure';

const BENCH = environmentNames('bench');

/** What each function reads at cold start, with stand-in values, encoded as its construct encodes it. */
const STAND_IN_ENVIRONMENTS: Record<string, Record<string, string>> = {
  notifier: notifierEnvironment.encode({
    topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:OPE',
    displayNameParameter: '/ops/ssm-agent-ops/bench/account-display-name',
    idempotencyTable: `${BENCH.resourcePrefix}-notifier-idempotency`,
    watchedStatuses: ['Failed', 'TimedOut'],
    agentAlarmPrefix: BENCH.agentAlarmPrefix,
    language: 'ja',
    timeZone: 'Asia/Tokyo',
    environmentName: 'bench',
    runbookBaseUrl: undefined,
  }),
  'agent-monitor': agentMonitorEnvironment.encode({ namespace: BENCH.metricNamespace, alarmNamePrefix: BENCH.agentAlarmPrefix, scopeTag: undefined }),
  'subscription-check': subscriptionCheckEnvironment.encode({
    topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:OPE',
    emails: ['ops@example.com'],
    stateTable: BENCH.subscriptionStateTable,
    namespace: BENCH.metricNamespace,
    maxPendingHours: 24,
    displayNameParameter: '/ops/ssm-agent-ops/bench/account-display-name',
    language: 'ja',
    timeZone: 'Asia/Tokyo',
    environmentName: 'bench',
    runbookBaseUrl: undefined,
  }),
};

function standInEnvironment(name: string): Record<string, string> {
  const environment = STAND_IN_ENVIRONMENTS[name];
  if (!environment) throw new Error(`No stand-in environment for the ${name} bundle; add one to STAND_IN_ENVIRONMENTS`);
  return { AWS_REGION: 'ap-northeast-1', ...environment };
}

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
    const times = Array.from({ length: runs }, () => measureNode(['-e', script], standInEnvironment(name)).stdout).map(Number);
    return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes).length, coldRequireMs: median(times) };
  });
}
