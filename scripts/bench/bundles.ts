import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AGENT_MONITOR_DEFAULTS } from '../../config/schema';
import { agentWatchEnvironment } from '../../contract/agent-watch-environment';
import { fleetInventoryEnvironment } from '../../contract/fleet-inventory-environment';
import { environmentNames } from '../../contract/names';
import { notifierEnvironment } from '../../contract/notifier-environment';
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
  'agent-watch': agentWatchEnvironment.encode({ namespace: BENCH.metricNamespace, alarmNamePrefix: BENCH.agentAlarmPrefix, registryTable: BENCH.nodeRegistryTable }),
  'fleet-inventory': fleetInventoryEnvironment.encode({
    namespace: BENCH.metricNamespace,
    alarmNamePrefix: BENCH.agentAlarmPrefix,
    registryTable: BENCH.nodeRegistryTable,
    scopeTag: undefined,
    ...AGENT_MONITOR_DEFAULTS,
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
