/**
 * The agent monitor against the seed design (SPEC section 5) on simulated fleets: API calls per
 * minute, alarm coverage, run time at a fixed per-call latency (on a virtual clock, so a 500-second
 * run costs no real time), and the monthly CloudWatch cost of each at list prices.
 */
import FakeTimers from '@sinonjs/fake-timers';
import type { Context } from 'aws-lambda';
import { createMonitor } from '../../lambdas/agent-monitor/monitor';
import { logger } from '../../lambdas/shared/powertools';
import { SimulatedAws, fleetOf } from '../../fixtures/simulated-aws';
import { seedAlarmsRun, seedMetricsRun } from './seed-design';

/** Time every simulated API call takes. */
export const LATENCY_MS = 50;
/** Share of the fleet assumed not online at any moment, for the steady state. */
export const LOST_SHARE = 0.01;

/** CloudWatch list prices, us-east-1 (USD): custom metrics by tier, standard alarms, API requests. */
export const PRICES = {
  region: 'us-east-1',
  metricTiers: [
    { upTo: 10_000, perMetricMonth: 0.3 },
    { upTo: 250_000, perMetricMonth: 0.1 },
    { upTo: 1_000_000, perMetricMonth: 0.05 },
    { upTo: Infinity, perMetricMonth: 0.02 },
  ],
  perAlarmMonth: 0.1,
  perThousandRequests: 0.01,
} as const;
const MINUTES_PER_MONTH = 730 * 60;
const CLOUDWATCH_OPERATIONS = ['PutMetricData', 'DescribeAlarms', 'PutMetricAlarm', 'DeleteAlarms', 'ListMetrics'];

export interface DesignFigures {
  callsPerMinute: number;
  cloudWatchCallsPerMinute: number;
  coverage: number;
  runSeconds: number;
  /** Custom metrics published every hour in the steady state (what CloudWatch bills). */
  metrics: number;
  alarms: number;
  monthlyCost: number;
}

export interface FleetFigures {
  nodes: number;
  product: DesignFigures & { runsToFullCoverage: number };
  seed: DesignFigures & { metricsRunSeconds: number; alarmsRunSeconds: number };
}

export function monthlyCost(metrics: number, alarms: number, cloudWatchCallsPerMinute: number): number {
  let remaining = metrics;
  let floor = 0;
  let metricCost = 0;
  for (const tier of PRICES.metricTiers) {
    const inTier = Math.max(0, Math.min(remaining, tier.upTo - floor));
    metricCost += inTier * tier.perMetricMonth;
    remaining -= inTier;
    floor = tier.upTo;
  }
  const requests = cloudWatchCallsPerMinute * MINUTES_PER_MONTH;
  return metricCost + alarms * PRICES.perAlarmMonth + (requests / 1000) * PRICES.perThousandRequests;
}

function simulatedFleet(nodes: number): SimulatedAws {
  const aws = new SimulatedAws({ latencyMs: LATENCY_MS });
  aws.nodes.push(...fleetOf(nodes));
  for (let index = 0; index < Math.ceil(nodes * LOST_SHARE); index++) aws.nodes[index * Math.floor(1 / LOST_SHARE)]!.pingStatus = 'ConnectionLost';
  return aws;
}

function cloudWatchCalls(aws: SimulatedAws): number {
  return CLOUDWATCH_OPERATIONS.reduce((sum, operation) => sum + (aws.calls.get(operation) ?? 0), 0);
}

function distinctMetrics(aws: SimulatedAws): number {
  return new Set(aws.published.map((datum) => JSON.stringify([datum.MetricName, datum.Dimensions]))).size;
}

export async function benchFleet(nodes: number): Promise<FleetFigures> {
  logger.setLogLevel('SILENT');
  const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'], loopLimit: 10_000_000 });
  try {
    /** Runs `work` to completion on the virtual clock and returns how long it took there. */
    const virtualSeconds = async (work: () => Promise<unknown>) => {
      const start = clock.now;
      const done = work();
      await clock.runAllAsync();
      await done;
      return (clock.now - start) / 1000;
    };

    const product = simulatedFleet(nodes);
    const monitor = createMonitor({
      ssm: product.ssm,
      cloudwatch: product.cloudwatch,
      settings: { namespace: 'SSMAgentOps/bench', alarmNamePrefix: 'ssm-agent-ops-bench-agent-' },
    });
    const runMonitor = async () => {
      const start = clock.now;
      return monitor({}, { getRemainingTimeInMillis: () => 55_000 - (clock.now - start) } as Context);
    };
    let runsToFullCoverage = 0;
    for (let deferred = Infinity; deferred > 0; runsToFullCoverage++) {
      let summary!: Awaited<ReturnType<typeof runMonitor>>;
      await virtualSeconds(async () => (summary = await runMonitor()));
      deferred = summary.alarmsDeferred;
    }
    product.resetCounts();
    const productSeconds = await virtualSeconds(runMonitor);

    const seed = simulatedFleet(nodes);
    await virtualSeconds(() => Promise.all([seedMetricsRun(seed.ssm, seed.cloudwatch), seedAlarmsRun(seed.ssm, seed.cloudwatch)]));
    seed.resetCounts();
    const ends = { metrics: 0, alarms: 0 };
    const seedStart = clock.now;
    const seedSeconds = await virtualSeconds(() =>
      Promise.all([
        seedMetricsRun(seed.ssm, seed.cloudwatch).then(() => (ends.metrics = clock.now)),
        seedAlarmsRun(seed.ssm, seed.cloudwatch).then(() => (ends.alarms = clock.now)),
      ]),
    );

    const productAlarms = product.alarms.size;
    const seedAlarms = seed.alarms.size;
    return {
      nodes,
      product: {
        callsPerMinute: product.totalCalls(),
        cloudWatchCallsPerMinute: cloudWatchCalls(product),
        coverage: productAlarms / nodes,
        runSeconds: productSeconds,
        metrics: distinctMetrics(product),
        alarms: productAlarms,
        monthlyCost: monthlyCost(distinctMetrics(product), productAlarms, cloudWatchCalls(product)),
        runsToFullCoverage,
      },
      seed: {
        callsPerMinute: seed.totalCalls(),
        cloudWatchCallsPerMinute: cloudWatchCalls(seed),
        coverage: seedAlarms / nodes,
        runSeconds: seedSeconds,
        metricsRunSeconds: (ends.metrics - seedStart) / 1000,
        alarmsRunSeconds: (ends.alarms - seedStart) / 1000,
        metrics: distinctMetrics(seed),
        alarms: seedAlarms,
        monthlyCost: monthlyCost(distinctMetrics(seed), seedAlarms, cloudWatchCalls(seed)),
      },
    };
  } finally {
    clock.uninstall();
  }
}
