/**
 * `npm run bench`: every figure of the product in one report. Speed and memory are ratios against a
 * baseline measured in the same run; fleet figures run the product and the seed design against the
 * same simulated AWS.
 */
import { benchBundles, benchNotifierVariants } from './bench/bundles';
import { benchFleet, LATENCY_MS, LOST_SHARE, PRICES, type FleetFigures } from './bench/fleet';
import { benchSynth } from './bench/synth';

const FLEET_SIZES = [100, 1_000, 10_000];

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
  section(`Agent monitoring, steady state (${LATENCY_MS} ms per API call, ${LOST_SHARE * 100}% of nodes not online)`);
  table([
    ['nodes', 'design', 'API calls/min', 'alarm coverage', 'run time', 'calls ratio', 'target'],
    ...fleets.flatMap((fleet) => {
      const ratio = fleet.seed.callsPerMinute / fleet.product.callsPerMinute;
      return [
        [String(fleet.nodes), 'seed', String(fleet.seed.callsPerMinute), percent(fleet.seed.coverage), `${fleet.seed.runSeconds.toFixed(1)} s (metrics ${fleet.seed.metricsRunSeconds.toFixed(1)} s, alarms ${fleet.seed.alarmsRunSeconds.toFixed(1)} s)`, '', ''],
        [
          '',
          'product',
          String(fleet.product.callsPerMinute),
          percent(fleet.product.coverage),
          `${fleet.product.runSeconds.toFixed(1)} s`,
          `${ratio.toFixed(1)}x fewer`,
          fleet.nodes === 10_000 ? `>= 20x: ${ratio >= 20 ? 'met' : 'MISSED'}` : '',
        ],
      ];
    }),
  ]);
  console.log(`Product from scratch: full alarm coverage after ${fleets.map((fleet) => `${fleet.product.runsToFullCoverage} run(s) at ${fleet.nodes}`).join(', ')} nodes.`);

  section(`Monthly CloudWatch cost at ${PRICES.region} list prices (metrics $0.30/$0.10/$0.05/$0.02 by tier, alarms $${PRICES.perAlarmMonth}, $${PRICES.perThousandRequests} per 1,000 API requests)`);
  table([
    ['nodes', 'design', 'custom metrics', 'alarms', 'CloudWatch calls/min', 'per month', 'per 1,000 nodes', 'ratio', 'target'],
    ...fleets.flatMap((fleet) => {
      const ratio = fleet.product.monthlyCost / fleet.seed.monthlyCost;
      const row = (design: string, figures: FleetFigures['seed'] | FleetFigures['product'], extra: string[]) => [
        design === 'seed' ? String(fleet.nodes) : '',
        design,
        String(figures.metrics),
        String(figures.alarms),
        String(figures.cloudWatchCallsPerMinute),
        `$${figures.monthlyCost.toFixed(2)}`,
        `$${((figures.monthlyCost / fleet.nodes) * 1000).toFixed(2)}`,
        ...extra,
      ];
      return [
        row('seed', fleet.seed, ['', '']),
        row('product', fleet.product, [`${(ratio * 100).toFixed(0)}% of seed`, fleet.nodes === 1_000 ? `<= 33%: ${ratio <= 1 / 3 ? 'met' : 'MISSED'}` : '']),
      ];
    }),
  ]);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
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
