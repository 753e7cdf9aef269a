/**
 * The agent health monitor (the watch and the fleet inventory) against the seed design (SPEC section
 * 5) on simulated fleets, with CloudWatch's quotas enforced and a fixed latency per call, on a
 * virtual clock (an hour of a 50,000-node fleet costs seconds of real time):
 * - a steady hour, with dense and with sparse filtered pages: API calls per minute over all scheduled
 *   functions, and the run time of each function;
 * - a new fleet from the first inventory run: the time until every node has its alarm, against the
 *   floor the PutMetricAlarm quota allows;
 * - the monthly CloudWatch cost of each design, only billed operations charged.
 */
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { AGENT_MONITOR_DEFAULTS } from '../../config/schema';
import { scheduledEvent } from '../../fixtures/events';
import { lambdaContext } from '../../fixtures/lambda-context';
import { CLOUDWATCH_QUOTAS, SimulatedAws, fleetOf } from '../../fixtures/simulated-aws';
import { VirtualClock } from '../../fixtures/virtual-clock';
import { createWatch } from '../../lambdas/agent-watch/watch';
import { createInventory, type InventorySettings } from '../../lambdas/fleet-inventory/inventory';
import { logger } from '../../lambdas/shared/powertools';
import { INVENTORY_TIMEOUT_SECONDS, WATCH_TIMEOUT_SECONDS } from '../../stacks/agent-health-monitor';
import { seedAlarmsRun, seedMetricsRun } from './seed-design';

/** Time every simulated API call takes (the SPEC's figure for the 50,000-node case). */
export const LATENCY_MS = 100;
/** Share of the fleet not online at any moment. */
export const LOST_SHARE = 0.01;
/**
 * Connections lost (and as many regained) per hour, as a share of the fleet: the churn that makes
 * per-node metrics billed at all (a node's metric is billed for the hours it receives values).
 */
export const CHURN_SHARE_PER_HOUR = 0.002;
/**
 * Time between a run handing its work on and the new invocation starting (Lambda's asynchronous
 * queue and a warm start); an assumption, charged to the rollout's coverage time.
 */
export const CONTINUATION_START_SECONDS = 1;

const NOTES_TABLE = 'ssm-agent-ops-bench-alert-notes';

/** The product as deployed with the default settings. */
const SETTINGS: InventorySettings = {
  namespace: 'SSMAgentOps/bench',
  alarmNamePrefix: 'ssm-agent-ops-bench-agent-',
  registryTable: 'ssm-agent-ops-bench-node-registry',
  scopeTag: undefined,
  ...AGENT_MONITOR_DEFAULTS,
  updateTargetTag: { key: 'ope-type', values: ['auto'] },
  notifierFunction: 'ssm-agent-ops-bench-notifier',
};

/**
 * CloudWatch list prices, us-east-1 (USD). Only the free tier and which operations are billed could be
 * confirmed on https://aws.amazon.com/cloudwatch/pricing/; the amounts are list prices as commonly
 * quoted (see the README). DescribeAlarms, PutMetricAlarm and DeleteAlarms are not billed.
 */
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
  perDashboardMonth: 3,
} as const;
const BILLED_REQUESTS = ['PutMetricData', 'GetMetricData', 'ListMetrics'];
const HOURS_PER_MONTH = 730;

export interface DesignCost {
  /** Custom metrics receiving values in an hour (each billed for that hour). */
  metrics: number;
  alarms: number;
  billedRequestsPerHour: number;
  dashboards: number;
  monthly: number;
}

export interface ProductFigures {
  dense: SteadyHour;
  sparse: SteadyHour;
  rollout: { seconds: number; floorSeconds: number; runs: number; longestRunSeconds: number };
  cost: DesignCost;
  quiet: QuietFigures;
}

/** Mails of the quiet scenarios (issue 16), counted from the watch's notes and its digests. */
export interface QuietFigures {
  /** 2% of the fleet stopped on schedule (SSM lists them ConnectionLost while they stop). */
  stoppedEvening: { instances: number; mails: number };
  /** 30% of the fleet lost within one minute, then back within one minute. */
  storm: { nodes: number; lost: MailCount; back: MailCount; longestWatchSeconds: number; nodesAccounted: number };
}

export interface MailCount {
  singles: number;
  digests: number;
}

export interface SteadyHour {
  callsPerMinute: number;
  /** Calls in the hour by function. */
  calls: { watch: number; inventory: number };
  /** The longest run of each function in the hour. */
  runSeconds: { watch: number; inventory: number };
  /** Whether every node not online got its breaching value (and every recovered one its 0) in time. */
  missed: number;
}

export interface SeedFigures {
  callsPerMinute: number;
  runSeconds: { metrics: number; alarms: number };
  alarms: number;
  cost: DesignCost;
}

export interface FleetFigures {
  nodes: number;
  product: ProductFigures;
  seed: SeedFigures;
}

export function monthlyCost(metrics: number, alarms: number, billedRequestsPerHour: number, dashboards: number): number {
  let remaining = metrics;
  let floor = 0;
  let metricCost = 0;
  for (const tier of PRICES.metricTiers) {
    const inTier = Math.max(0, Math.min(remaining, tier.upTo - floor));
    metricCost += inTier * tier.perMetricMonth;
    remaining -= inTier;
    floor = tier.upTo;
  }
  const requests = billedRequestsPerHour * HOURS_PER_MONTH;
  return metricCost + alarms * PRICES.perAlarmMonth + (requests / 1000) * PRICES.perThousandRequests + dashboards * PRICES.perDashboardMonth;
}

function billedRequests(aws: SimulatedAws): number {
  return BILLED_REQUESTS.reduce((sum, operation) => sum + aws.statsOf(operation).calls, 0);
}

function distinctMetrics(aws: SimulatedAws, since: number): number {
  return new Set(aws.published.filter((datum) => datum.receivedAt >= since).map((datum) => JSON.stringify([datum.Namespace, datum.MetricName, datum.Dimensions]))).size;
}

/** The watch and the inventory of one simulated account, run as their schedules run them. */
function productOn(aws: SimulatedAws, clock: VirtualClock) {
  const clients = { ssm: aws.ssm, ec2: aws.ec2, cloudwatch: aws.cloudwatch, registry: aws.dynamodb, lambda: aws.lambda };
  const inventory = createInventory({ ...clients, settings: SETTINGS });
  const watch = createWatch({
    ...clients,
    settings: {
      namespace: SETTINGS.namespace,
      alarmNamePrefix: SETTINGS.alarmNamePrefix,
      registryTable: SETTINGS.registryTable,
      notesTable: NOTES_TABLE,
      muteTag: SETTINGS.muteTag,
      startGraceMinutes: SETTINGS.startGraceMinutes,
      storm: SETTINGS.storm,
      notifierFunction: SETTINGS.notifierFunction,
    },
  });
  let request = 0;
  let handedOn = 0;
  const invokeInventory = (event: unknown) =>
    clock.run(() => inventory(event, lambdaContext('ssm-agent-ops-bench-fleet-inventory', INVENTORY_TIMEOUT_SECONDS, `inventory-${++request}`)));
  return {
    watch: () => clock.run(() => watch(scheduledEvent(), lambdaContext('ssm-agent-ops-bench-agent-watch', WATCH_TIMEOUT_SECONDS, `watch-${++request}`))),
    /** A scheduled inventory run and every run it hands on; the longest single run. */
    async inventory(): Promise<{ runs: number; longestRunSeconds: number }> {
      let longest = (await invokeInventory(scheduledEvent())).seconds;
      let runs = 1;
      while (handedOn < aws.invocations.length) {
        const next = aws.invocations[handedOn++]!;
        if (next.functionName === SETTINGS.notifierFunction) continue;
        await clock.advance(CONTINUATION_START_SECONDS * 1000);
        longest = Math.max(longest, (await invokeInventory(next.payload)).seconds);
        runs += 1;
      }
      return { runs, longestRunSeconds: longest };
    },
  };
}

/** Moves the clock to the start of the next minute. */
async function nextMinute(clock: VirtualClock) {
  await clock.advance(60_000 - (clock.now % 60_000));
}

async function steadyHour(aws: SimulatedAws, clock: VirtualClock, product: ReturnType<typeof productOn>, nodes: number): Promise<SteadyHour> {
  const calls = { watch: 0, inventory: 0 };
  const runSeconds = { watch: 0, inventory: 0 };
  const churn = Math.max(1, Math.round((nodes * CHURN_SHARE_PER_HOUR) / 2));
  let missed = 0;
  let online = 0;
  for (let minute = 0; minute < 60; minute++) {
    // Churn: a few nodes lose their connection at :10 and :40, and as many come back at :25 and :55.
    const changed: { id: string; lost: boolean }[] = [];
    if (minute % 30 === 10 || minute % 30 === 25) {
      const lose = minute % 30 === 10;
      for (let index = 0; index < churn; index++) {
        const node = aws.nodes[(online++ * 97 + 13) % aws.nodes.length]!;
        if (lose && node.pingStatus === 'Online') {
          node.pingStatus = 'ConnectionLost';
          changed.push({ id: node.instanceId, lost: true });
        }
      }
      if (!lose) {
        for (const node of aws.nodes.filter((candidate) => candidate.pingStatus === 'ConnectionLost').slice(0, churn)) {
          node.pingStatus = 'Online';
          changed.push({ id: node.instanceId, lost: false });
        }
      }
    }
    if (minute % SETTINGS.inventoryMinutes === 0) {
      const before = aws.totalCalls();
      const { longestRunSeconds } = await product.inventory();
      calls.inventory += aws.totalCalls() - before;
      runSeconds.inventory = Math.max(runSeconds.inventory, longestRunSeconds);
    }
    const before = aws.totalCalls();
    const { seconds } = await product.watch();
    calls.watch += aws.totalCalls() - before;
    runSeconds.watch = Math.max(runSeconds.watch, seconds);
    for (const { id, lost } of changed) {
      const state = aws.alarms.get(`${SETTINGS.alarmNamePrefix}${id}`)?.StateValue;
      if (state !== (lost ? 'ALARM' : 'OK')) missed += 1;
    }
    await nextMinute(clock);
  }
  return { callsPerMinute: (calls.watch + calls.inventory) / 60, calls, runSeconds, missed };
}

async function benchProduct(nodes: number, clock: VirtualClock): Promise<ProductFigures> {
  const aws = new SimulatedAws({ latencyMs: LATENCY_MS });
  aws.nodes.push(...fleetOf(nodes));
  const product = productOn(aws, clock);

  // A new fleet: from the first inventory run to the last alarm written.
  const start = clock.now;
  const rollout = await product.inventory();
  const rolloutSeconds = (clock.now - start) / 1000;
  if (aws.alarms.size !== nodes) throw new Error(`the rollout left ${nodes - aws.alarms.size} nodes without an alarm`);

  // Steady state: 1% of the nodes not online, their alarms in ALARM; then an hour, dense, then sparse.
  for (let index = 0; index < Math.round(nodes * LOST_SHARE); index++) aws.nodes[Math.floor(index / LOST_SHARE)]!.pingStatus = 'ConnectionLost';
  await nextMinute(clock);
  await product.watch();
  await nextMinute(clock);
  aws.resetCounts();
  const hourStart = clock.now;
  const dense = await steadyHour(aws, clock, product, nodes);
  const cost = { metrics: distinctMetrics(aws, hourStart), alarms: aws.alarms.size, billedRequestsPerHour: billedRequests(aws), dashboards: 1, monthly: 0 };
  cost.monthly = monthlyCost(cost.metrics, cost.alarms, cost.billedRequestsPerHour, cost.dashboards);
  aws.filteredPages = 'sparse';
  aws.resetCounts();
  const sparse = await steadyHour(aws, clock, product, nodes);
  aws.filteredPages = 'dense';
  const quiet = await quietScenarios(aws, clock, product);
  return { dense, sparse, rollout: { seconds: rolloutSeconds, floorSeconds: nodes / CLOUDWATCH_QUOTAS.PutMetricAlarm!, runs: rollout.runs, longestRunSeconds: rollout.longestRunSeconds }, cost, quiet };
}

/** Share of the fleet stopped on schedule in the quiet evening. */
const STOPPED_SHARE = 0.02;
/** Share of the fleet lost at once in the storm. */
const STORM_SHARE = 0.3;

/**
 * The quiet scenarios on the steady fleet: an evening stop, then a storm and its recovery. Mails are
 * counted as the notifier would send them: one per note the watch decided to mail on its own, one per
 * digest it handed over.
 */
async function quietScenarios(aws: SimulatedAws, clock: VirtualClock, product: ReturnType<typeof productOn>): Promise<QuietFigures> {
  for (const node of aws.nodes) node.pingStatus = 'Online';
  const runMinutes = async (count: number) => {
    let longest = 0;
    for (let minute = 0; minute < count; minute++) {
      if (Math.round(clock.now / 60_000) % SETTINGS.inventoryMinutes === 0) await product.inventory();
      longest = Math.max(longest, (await product.watch()).seconds);
      await nextMinute(clock);
    }
    return longest;
  };
  await runMinutes(10);

  let since = clock.now;
  const evening = aws.nodes.slice(aws.nodes.length - Math.round(aws.nodes.length * STOPPED_SHARE));
  for (const node of evening) Object.assign(node, { state: 'stopping', pingStatus: 'ConnectionLost' });
  await runMinutes(2);
  for (const node of evening) node.state = 'stopped';
  await runMinutes(20);
  const stoppedMails = mailsSince(aws, since);
  for (const node of evening) Object.assign(node, { state: 'running', pingStatus: 'Online', launchTime: new Date(clock.now) });
  await runMinutes(15);

  const stormed = aws.nodes.slice(0, Math.round(aws.nodes.length * STORM_SHARE));
  since = clock.now;
  for (const node of stormed) node.pingStatus = 'ConnectionLost';
  const lostLongest = await runMinutes(20);
  const lost = mailsSince(aws, since);
  const accounted = lost.nodesInDigests + lost.singles;
  since = clock.now;
  for (const node of stormed) node.pingStatus = 'Online';
  const backLongest = await runMinutes(20);
  const back = mailsSince(aws, since);
  return {
    stoppedEvening: { instances: evening.length, mails: stoppedMails.singles + stoppedMails.digests },
    storm: {
      nodes: stormed.length,
      lost: { singles: lost.singles, digests: lost.digests },
      back: { singles: back.singles, digests: back.digests },
      longestWatchSeconds: Math.max(lostLongest, backLongest),
      nodesAccounted: accounted,
    },
  };
}

/** Mails since `since`: notes decided as single mails, and digests handed to the notifier (with the nodes they cover). */
function mailsSince(aws: SimulatedAws, since: number): { singles: number; digests: number; nodesInDigests: number } {
  const notes = [...aws.table(NOTES_TABLE).values()].filter((item) => typeof item.decidedAt === 'string' && Date.parse(item.decidedAt as string) >= since);
  const digests = aws.invocations.filter((invocation) => invocation.functionName === SETTINGS.notifierFunction && invocation.at >= since);
  const nodesInDigests = digests.reduce((sum, invocation) => {
    const detail = (invocation.payload as { detail: { byState?: Record<string, number> } }).detail;
    return sum + Object.values(detail.byState ?? {}).reduce((total, count) => total + count, 0);
  }, 0);
  return { singles: notes.filter((note) => note.decision === 'single').length, digests: digests.length, nodesInDigests };
}

async function benchSeed(nodes: number, clock: VirtualClock): Promise<SeedFigures> {
  const aws = new SimulatedAws({ latencyMs: LATENCY_MS });
  aws.nodes.push(...fleetOf(nodes));
  for (let index = 0; index < Math.round(nodes * LOST_SHARE); index++) aws.nodes[Math.floor(index / LOST_SHARE)]!.pingStatus = 'ConnectionLost';
  // The first minute creates the metrics and alarms; the second is the steady one measured.
  await clock.run(() => Promise.all([seedMetricsRun(aws.ssm, aws.cloudwatch), seedAlarmsRun(aws.ssm, aws.cloudwatch)]));
  aws.resetCounts();
  const since = clock.now;
  const ends = { metrics: since, alarms: since };
  await clock.run(() =>
    Promise.all([
      seedMetricsRun(aws.ssm, aws.cloudwatch).then(() => (ends.metrics = clock.now)),
      seedAlarmsRun(aws.ssm, aws.cloudwatch).then(() => (ends.alarms = clock.now)),
    ]),
  );
  const callsPerMinute = aws.totalCalls();
  // The seed publishes every node's metric every minute: all of them are billed every hour.
  const cost = { metrics: distinctMetrics(aws, since), alarms: aws.alarms.size, billedRequestsPerHour: billedRequests(aws) * 60, dashboards: 0, monthly: 0 };
  cost.monthly = monthlyCost(cost.metrics, cost.alarms, cost.billedRequestsPerHour, cost.dashboards);
  return { callsPerMinute, runSeconds: { metrics: (ends.metrics - since) / 1000, alarms: (ends.alarms - since) / 1000 }, alarms: aws.alarms.size, cost };
}

/** The seed design's first page without MaxResults: how many nodes it ever gives an alarm. */
export async function seedFirstPageSize(): Promise<number> {
  const aws = new SimulatedAws();
  aws.nodes.push(...fleetOf(100));
  return (await aws.ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList!.length;
}

export async function benchFleet(nodes: number): Promise<FleetFigures> {
  logger.setLogLevel('SILENT');
  const clock = new VirtualClock();
  try {
    const product = await benchProduct(nodes, clock);
    const seed = await benchSeed(nodes, clock);
    return { nodes, product, seed };
  } finally {
    clock.uninstall();
  }
}
