/**
 * `npm run bench`: every figure of the product in one report. Speed and memory are ratios against a
 * baseline measured in the same run; fleet figures run the product and the seed design against the
 * same simulated AWS (fixtures/simulated-aws.ts: CloudWatch's quotas enforced, a latency per call, on
 * a virtual clock).
 */
import { AGENT_MONITOR_DEFAULTS } from '../config/schema';
import { CLOUDWATCH_QUOTAS } from '../fixtures/simulated-aws';
import { INVENTORY_TIMEOUT_SECONDS, WATCH_TIMEOUT_SECONDS } from '../stacks/agent-health-monitor';
import { benchBundles, benchNotifierVariants } from './bench/bundles';
import {
  benchFleet,
  CHURN_SHARE_PER_HOUR,
  CONTINUATION_START_SECONDS,
  LATENCY_MS,
  LOST_SHARE,
  PRICES,
  seedFirstPageSize,
  type FleetFigures,
} from './bench/fleet';
import { benchSynth } from './bench/synth';
import { benchWeeklyReport, type ReportFigures } from './bench/weekly-report';
import { WEEKLY_REPORT_TIMEOUT_SECONDS } from '../stacks/weekly-report';

const FLEET_SIZES = [1_000, 10_000, 50_000];
const REPORT_FLEET_SIZES = [10_000, 50_000];

async function main() {
  const synth = benchSynth();
  section('Synth of all environments (median of 5 interleaved runs)');
  table([
    ['', 'product (deep imports)', 'baseline (root import)', 'ratio', 'target'],
    [
      'wall time',
      `${synth.product.milliseconds.toFixed(0)} ms`,
      `${synth.rootImportBaseline.milliseconds.toFixed(0)} ms`,
      `${synth.speedup.toFixed(1)}x faster`,
      `>= 5x: ${synth.speedup >= 5 ? 'met' : 'MISSED'}`,
    ],
    [
      'peak memory (RSS)',
      `${synth.product.peakRssMiB.toFixed(0)} MiB`,
      `${synth.rootImportBaseline.peakRssMiB.toFixed(0)} MiB`,
      `${synth.memoryReduction.toFixed(1)}x less`,
      `>= 3x: ${synth.memoryReduction >= 3 ? 'met' : 'MISSED'}`,
    ],
  ]);

  section('Lambda bundles (cold require: median of 5 fresh Node.js processes)');
  table([
    ['function', 'bundle', 'gzipped', 'cold require'],
    ...benchBundles().map((bundle) => [
      bundle.name,
      `${(bundle.bytes / 1024).toFixed(0)} KiB`,
      `${(bundle.gzipBytes / 1024).toFixed(0)} KiB`,
      `${bundle.coldRequireMs.toFixed(0)} ms`,
    ]),
  ]);

  section('Notifier bundle against builds with the EC2 client (cold require: median of 11 interleaved fresh processes)');
  table([
    ['build', 'bundle', 'gzipped', 'cold require', 'ratio', 'target'],
    ...(await benchNotifierVariants()).map((variant, index) => [
      variant.name,
      `${(variant.bytes / 1024).toFixed(0)} KiB`,
      `${(variant.gzipBytes / 1024).toFixed(0)} KiB`,
      `${variant.coldRequireMs.toFixed(0)} ms`,
      index === 0 ? 'baseline' : `${variant.coldRequireRatio.toFixed(1)}x slower`,
      index === 0 ? `<= 500 KiB: ${variant.bytes <= 500 * 1024 ? 'met' : 'MISSED'}` : '',
    ]),
  ]);

  const fleets: FleetFigures[] = [];
  for (const nodes of FLEET_SIZES) fleets.push(await benchFleet(nodes));
  const dollars = (amount: number) => `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const count = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
  const seconds = (value: number) => `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} s`;

  section(
    `Agent health, steady hour: API calls per minute over all scheduled functions (${LATENCY_MS} ms a call, ${LOST_SHARE * 100}% of nodes not online, ${CHURN_SHARE_PER_HOUR * 100}% of nodes losing or regaining their connection each hour)`,
  );
  table([
    ['nodes', 'seed design', 'product, dense pages', 'product, sparse pages', 'nodes missed', 'target'],
    ...fleets.map((fleet) => [
      count(fleet.nodes),
      count(fleet.seed.callsPerMinute),
      `${count(fleet.product.dense.callsPerMinute)} (watch ${count(fleet.product.dense.calls.watch / 60)}, inventory ${count(fleet.product.dense.calls.inventory / 60)})`,
      `${count(fleet.product.sparse.callsPerMinute)} (watch ${count(fleet.product.sparse.calls.watch / 60)}, inventory ${count(fleet.product.sparse.calls.inventory / 60)})`,
      String(fleet.product.dense.missed + fleet.product.sparse.missed),
      fleet.nodes === 10_000 ? `dense <= 10: ${fleet.product.dense.callsPerMinute <= 10 ? 'met' : 'MISSED'}` : '',
    ]),
  ]);

  section(
    `Quiet when nothing needs operators: mails of an evening stop (2% of the fleet, listed ConnectionLost while stopping) and of a storm (30% of the fleet lost within one minute, then back), default settings (storm threshold ${AGENT_MONITOR_DEFAULTS.storm.threshold} in ${AGENT_MONITOR_DEFAULTS.storm.windowMinutes} min)`,
  );
  table([
    ['nodes', 'stopped on schedule', 'mails', 'storm nodes', 'lost: singles / digests', 'back: singles / digests', 'nodes listed or counted', 'longest watch run', 'target'],
    ...fleets.map((fleet) => {
      const { stoppedEvening, storm } = fleet.product.quiet;
      const met = stoppedEvening.mails === 0 && storm.lost.singles + storm.lost.digests <= 5 && storm.back.singles + storm.back.digests <= 5 && storm.nodesAccounted === storm.nodes;
      return [
        count(fleet.nodes),
        count(stoppedEvening.instances),
        String(stoppedEvening.mails),
        count(storm.nodes),
        `${storm.lost.singles} / ${storm.lost.digests}`,
        `${storm.back.singles} / ${storm.back.digests}`,
        count(storm.nodesAccounted),
        seconds(storm.longestWatchSeconds),
        `no mail; <= 5 each way; all nodes: ${met ? 'met' : 'MISSED'}`,
      ];
    }),
  ]);

  section(`Run time of each scheduled function: the longest run of the steady hour (${LATENCY_MS} ms a call)`);
  table([
    ['nodes', 'function', 'timeout', 'dense pages', 'sparse pages', 'target'],
    ...fleets.flatMap((fleet) => {
      const within = (function_: 'watch' | 'inventory', timeout: number) =>
        Math.max(fleet.product.dense.runSeconds[function_], fleet.product.sparse.runSeconds[function_]) <= timeout / 2 ? 'met' : 'MISSED';
      return [
        [count(fleet.nodes), 'agent-watch', seconds(WATCH_TIMEOUT_SECONDS), seconds(fleet.product.dense.runSeconds.watch), seconds(fleet.product.sparse.runSeconds.watch), `<= half the timeout: ${within('watch', WATCH_TIMEOUT_SECONDS)}`],
        ['', 'fleet-inventory', seconds(INVENTORY_TIMEOUT_SECONDS), seconds(fleet.product.dense.runSeconds.inventory), seconds(fleet.product.sparse.runSeconds.inventory), `<= half the timeout: ${within('inventory', INVENTORY_TIMEOUT_SECONDS)}`],
        ['', 'seed: metrics Lambda', '(every minute)', seconds(fleet.seed.runSeconds.metrics), '', fleet.seed.runSeconds.metrics > 60 ? 'longer than its one-minute schedule' : ''],
        ['', 'seed: alarms Lambda', '(every minute)', seconds(fleet.seed.runSeconds.alarms), '', ''],
      ];
    }),
  ]);

  section(`A new fleet: time from the first inventory run until every node has its alarm (PutMetricAlarm quota ${CLOUDWATCH_QUOTAS.PutMetricAlarm}/s; ${CONTINUATION_START_SECONDS} s assumed for each hand-on to a new invocation)`);
  const seedFirstPage = await seedFirstPageSize();
  table([
    ['nodes', 'product', 'quota floor (nodes / 3 per second)', 'ratio', 'invocations', 'longest invocation', 'seed design', 'target'],
    ...fleets.map((fleet) => {
      const { rollout } = fleet.product;
      const ratio = rollout.seconds / rollout.floorSeconds;
      return [
        count(fleet.nodes),
        `${seconds(rollout.seconds)} (${(rollout.seconds / 60).toFixed(0)} min)`,
        `${seconds(rollout.floorSeconds)} (${(rollout.floorSeconds / 60).toFixed(0)} min)`,
        `${ratio.toFixed(3)}x`,
        String(rollout.runs),
        seconds(rollout.longestRunSeconds),
        `never: ${fleet.seed.alarms} nodes (its unpaged read returns ${seedFirstPage})`,
        `<= 1.2x: ${ratio <= 1.2 ? 'met' : 'MISSED'}`,
      ];
    }),
  ]);

  section(
    `Monthly CloudWatch cost at ${PRICES.region} list prices: custom metrics $0.30/$0.10/$0.05/$0.02 by tier, alarms $${PRICES.perAlarmMonth}, PutMetricData/GetMetricData/ListMetrics $${PRICES.perThousandRequests} per 1,000, dashboards $${PRICES.perDashboardMonth}; DescribeAlarms, PutMetricAlarm and DeleteAlarms are not billed`,
  );
  table([
    ['nodes', 'design', 'custom metrics an hour', 'alarms', 'billed requests an hour', 'dashboards', 'per month', 'per 1,000 nodes', 'ratio'],
    ...fleets.flatMap((fleet) => {
      const row = (design: string, cost: FleetFigures['seed']['cost'], ratio: string) => [
        design === 'seed design' ? count(fleet.nodes) : '',
        design,
        count(cost.metrics),
        count(cost.alarms),
        count(cost.billedRequestsPerHour),
        String(cost.dashboards),
        dollars(cost.monthly),
        dollars((cost.monthly / fleet.nodes) * 1000),
        ratio,
      ];
      return [row('seed design', fleet.seed.cost, ''), row('product', fleet.product.cost, `${((fleet.product.cost.monthly / fleet.seed.cost.monthly) * 100).toFixed(0)}% of seed`)];
    }),
  ]);

  await benchReports(count, seconds);
}

async function benchReports(count: (value: number) => string, seconds: (value: number) => string) {
  const reports: ReportFigures[] = [];
  for (const nodes of REPORT_FLEET_SIZES) for (const week of ['usual', 'every node outdated'] as const) reports.push(await benchWeeklyReport(nodes, week));
  section(
    `Weekly report: the API calls of one run and its duration (${LATENCY_MS} ms a call; State Manager's 4 a second and CloudWatch's quotas enforced; a usual week has 0.5% of the nodes in each reported kind)`,
  );
  table([
    ['nodes', 'week', 'calls by operation', 'calls', 'throttled', 'a call per node would be at least', 'run', 'timeout', 'mail', 'target'],
    ...reports.map((report) => [
      count(report.nodes),
      report.week,
      Object.entries(report.calls)
        .map(([operation, calls]) => `${operation} ${count(calls)}`)
        .join(', '),
      count(report.totalCalls),
      count(report.throttled),
      `${count(report.perNodeCalls)} (${(report.perNodeCalls / report.totalCalls).toFixed(1)}x)`,
      seconds(report.seconds),
      seconds(WEEKLY_REPORT_TIMEOUT_SECONDS),
      `${(report.mailBytes / 1024).toFixed(0)} KiB`,
      `<= half the timeout: ${report.seconds <= WEEKLY_REPORT_TIMEOUT_SECONDS / 2 ? 'met' : 'MISSED'}`,
    ]),
  ]);
}

function section(title: string) {
  console.log(`\n## ${title}\n`);
}

function table(rows: string[][]) {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => (cell ?? '').padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
