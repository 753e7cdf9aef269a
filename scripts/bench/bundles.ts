import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { AGENT_MONITOR_DEFAULTS } from '../../config/schema';
import { agentWatchEnvironment } from '../../contract/agent-watch-environment';
import { fleetInventoryEnvironment } from '../../contract/fleet-inventory-environment';
import { environmentNames } from '../../contract/names';
import { notifierEnvironment } from '../../contract/notifier-environment';
import { subscriptionCheckEnvironment } from '../../contract/subscription-check-environment';
import { weeklyReportEnvironment } from '../../contract/weekly-report-environment';
import { reportFleetSettings } from '../../fixtures/weekly-report-fleet';
import { bundleOptions, lambdaNames, DIST_DIR, LAMBDAS_DIR } from '../build';
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
    notesTable: BENCH.alertNotesTable,
  }),
  'agent-watch': agentWatchEnvironment.encode({
    namespace: BENCH.metricNamespace,
    alarmNamePrefix: BENCH.agentAlarmPrefix,
    registryTable: BENCH.nodeRegistryTable,
    notesTable: BENCH.alertNotesTable,
    muteTag: AGENT_MONITOR_DEFAULTS.muteTag,
    startGraceMinutes: AGENT_MONITOR_DEFAULTS.startGraceMinutes,
    storm: AGENT_MONITOR_DEFAULTS.storm,
    notifierFunction: BENCH.functionNames.notifier,
  }),
  'fleet-inventory': fleetInventoryEnvironment.encode({
    namespace: BENCH.metricNamespace,
    alarmNamePrefix: BENCH.agentAlarmPrefix,
    registryTable: BENCH.nodeRegistryTable,
    scopeTag: undefined,
    ...AGENT_MONITOR_DEFAULTS,
    updateTargetTag: { key: 'ope-type', values: ['auto'] },
    notifierFunction: BENCH.functionNames.notifier,
  }),
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
  'weekly-report': weeklyReportEnvironment.encode({
    topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:OPE',
    displayNameParameter: '/ops/ssm-agent-ops/bench/account-display-name',
    registryTable: BENCH.nodeRegistryTable,
    ...reportFleetSettings(),
    registryScopedToTargets: undefined,
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
  return lambdaNames().map((name) => measureBundle(name, join(DIST_DIR, name, 'index.js'), name, runs));
}

function measureBundle(label: string, bundle: string, functionName: string, runs: number): BundleFigures {
  const bytes = readFileSync(bundle);
  const times = Array.from({ length: runs }, () => coldRequireMs(bundle, functionName));
  return { name: label, bytes: bytes.length, gzipBytes: gzipSync(bytes).length, coldRequireMs: median(times) };
}

function coldRequireMs(bundle: string, functionName: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(measureNode(['-e', script], standInEnvironment(functionName)).stdout);
}

/** One build of the notifier measured against the deployed one. */
export interface NotifierVariantFigures extends BundleFigures {
  /** Cold require time as a multiple of the deployed bundle's, measured in the same run. */
  coldRequireRatio: number;
}

/** The notifier's handler, plus an EC2 client made at cold start and used for the Name tag, as the notifier did before. */
const WITH_EC2_CLIENT = `
import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { sdkClientConfig } from './lambdas/shared/sdk';
export { handler } from './lambdas/notifier/handler';
const ec2 = new EC2Client(sdkClientConfig);
export const readNameTag = (instanceId: string) =>
  ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [instanceId] }, { Name: 'key', Values: ['Name'] }] }));
`;

/**
 * The deployed notifier bundle next to builds of the same handler with the EC2 client (what reading
 * the Name tag through EC2 costs), and with the EC2 client, the SDK's whole default credential chain
 * and kept names (the build before the Tagging API and the trimmed credential chain). The heavier
 * builds are written to a temporary directory and deleted; cold requires are interleaved so that all
 * builds meet the same machine load.
 */
export async function benchNotifierVariants(runs = 11): Promise<NotifierVariantFigures[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'ssm-agent-ops-notifier-variants-'));
  try {
    const sdkDefaults = { ...bundleOptions, alias: {} };
    const entry = { contents: WITH_EC2_CLIENT, resolveDir: join(LAMBDAS_DIR, '..'), sourcefile: 'notifier-with-ec2.ts', loader: 'ts' as const };
    const variants = [
      { label: 'notifier as deployed (Tagging API)', bundle: join(DIST_DIR, 'notifier', 'index.js') },
      { label: 'with the EC2 client', bundle: join(scratch, 'with-ec2', 'index.js'), options: { ...bundleOptions, stdin: entry } },
      {
        label: 'with the EC2 client, the default credential chain and kept names (the previous build)',
        bundle: join(scratch, 'previous', 'index.js'),
        options: { ...sdkDefaults, keepNames: true, stdin: entry },
      },
    ];
    for (const variant of variants) if (variant.options) await build({ ...variant.options, outfile: variant.bundle });

    const times: number[][] = variants.map(() => []);
    for (let run = 0; run < runs; run++) variants.forEach((variant, index) => times[index]!.push(coldRequireMs(variant.bundle, 'notifier')));
    const deployedMs = median(times[0]!);
    return variants.map((variant, index) => {
      const bytes = readFileSync(variant.bundle);
      const coldMs = median(times[index]!);
      return { name: variant.label, bytes: bytes.length, gzipBytes: gzipSync(bytes).length, coldRequireMs: coldMs, coldRequireRatio: coldMs / deployedMs };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
