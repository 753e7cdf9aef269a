import { SimulatedAws, fleetOf } from '../../../fixtures/simulated-aws';
import { VirtualClock } from '../../../fixtures/virtual-clock';
import { logger } from '../../../lambdas/shared/powertools';
import { agentHealth, alarmName, PROD, seedAlarmedFleet } from '../../helpers/agent-health';

// Layer: the watch's own code against the simulation through aws-sdk-client-mock (no SDK middleware).

let clock: VirtualClock;
beforeEach(() => (clock = new VirtualClock()));
afterEach(() => clock.uninstall());

const nodeValues = (aws: SimulatedAws) =>
  aws.published.filter((datum) => datum.MetricName === 'AgentConnectionLost').map((datum) => [datum.Dimensions![0]!.Value, datum.Value]);
const counts = (aws: SimulatedAws) =>
  Object.fromEntries(aws.published.filter((datum) => datum.MetricName === 'ManagedNodes').map((datum) => [datum.Dimensions![0]!.Value, datum.Value]));
const transitions = (aws: SimulatedAws) => aws.stateChanges.map((change) => [change.detail.alarmName, change.detail.previousState.value, change.detail.state.value]);

/** An alarmed fleet: small ones as the inventory leaves them, large ones seeded in that state. */
async function alarmedFleet(count: number, options: ConstructorParameters<typeof SimulatedAws>[0] = {}) {
  const aws = new SimulatedAws(options);
  aws.nodes.push(...fleetOf(count));
  const health = agentHealth(aws, clock);
  if (count <= 1000) await health.inventoryToTheEnd();
  else seedAlarmedFleet(aws);
  aws.resetCounts();
  aws.stateChanges.length = 0;
  return { aws, ...health };
}

describe('agent watch', () => {
  it('gives a node its breaching value within a minute of Systems Manager showing ConnectionLost, once', async () => {
    const { aws, watch } = await alarmedFleet(200);
    await watch();
    const lostAt = clock.now + 17_000;
    await clock.advance(17_000);
    aws.nodes[41]!.pingStatus = 'ConnectionLost';

    // The schedule runs the watch every minute.
    await clock.advance(60_000 - 17_000);
    await watch();
    const datum = aws.published.find((value) => value.MetricName === 'AgentConnectionLost');
    expect(datum).toMatchObject({ Dimensions: [{ Name: 'InstanceId', Value: 'i-00000000000000042' }], Value: 1 });
    expect(datum!.receivedAt - lostAt).toBeLessThanOrEqual(60_000);
    expect(transitions(aws)).toEqual([[alarmName('i-00000000000000042'), 'OK', 'ALARM']]);

    // In ALARM now: nothing more is published for it while it stays lost.
    aws.resetCounts();
    await clock.advance(60_000);
    await watch();
    expect(nodeValues(aws)).toEqual([]);
  });

  it('reads only what can change an alarm: a page of nodes not online, the alarms in ALARM, one publish', async () => {
    const { aws, watch } = await alarmedFleet(10_000);
    for (let index = 0; index < 100; index++) aws.nodes[index * 100]!.pingStatus = 'ConnectionLost';
    await watch();
    // 100 nodes lost at once are a storm: while it is open the watch reads its state every minute;
    // once it has been quiet for the storm window, a quiet minute reads nothing more.
    for (let minute = 0; minute < 6; minute++) {
      await clock.advance(60_000);
      await watch();
    }
    aws.resetCounts();
    await clock.advance(60_000);
    const { result, seconds } = await watch();
    expect(Object.fromEntries(aws.calls)).toEqual({ DescribeInstanceInformation: 2, DescribeAlarms: 1, PutMetricData: 1 });
    expect(result).toMatchObject({ notOnline: 100, alarmed: 100, lost: 0, recovered: 0, mode: 'pages', complete: true, published: true });
    expect(seconds).toBeLessThan(1);
    expect(counts(aws)).toEqual({ Online: 9900, ConnectionLost: 100, Inactive: 0, Other: 0 });
  });

  it('reports a recovery only when Systems Manager says Online when asked by ID', async () => {
    const { aws, watch } = await alarmedFleet(5);
    for (const index of [0, 1, 2, 3]) aws.nodes[index]!.pingStatus = 'ConnectionLost';
    await watch();
    expect(transitions(aws).map(([, , state]) => state)).toEqual(['ALARM', 'ALARM', 'ALARM', 'ALARM']);

    aws.nodes[0]!.pingStatus = 'Online'; // back
    aws.nodes[1]!.registered = false; // deregistered: not in any list now
    aws.nodes[2]!.pingStatus = 'Hibernating'; // a status AWS does not document
    aws.nodes[3]!.state = 'stopped'; // left out by DescribeInstanceInformation; EC2 says it was stopped
    const warnings: unknown[][] = [];
    const spy = jest.spyOn(logger, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args));
    aws.stateChanges.length = 0;
    aws.resetCounts();
    try {
      const { result } = await watch();
      expect(result).toMatchObject({ recovered: 1, stopped: 1, held: 2 });
    } finally {
      spy.mockRestore();
    }
    // The stopped instance's alarm goes back to OK too, with a note that makes its mail "stopped".
    expect(transitions(aws)).toEqual([
      [alarmName('i-00000000000000001'), 'ALARM', 'OK'],
      [alarmName('i-00000000000000004'), 'ALARM', 'OK'],
    ]);
    expect(nodeValues(aws)).toEqual([
      ['i-00000000000000001', 0],
      ['i-00000000000000004', 0],
    ]);
    expect(aws.table(PROD.notesTable).get('note#i-00000000000000004#back')).toMatchObject({ decision: 'single', state: 'stopped' });
    expect(warnings).toContainEqual(['Unknown ping status, treated as not online', { instanceId: 'i-00000000000000003', pingStatus: 'Hibernating' }]);
  });

  it('publishes nothing, and no heartbeat, when a page of the read fails; the next run decides', async () => {
    const { aws, watch } = await alarmedFleet(200);
    for (const node of aws.nodes.slice(0, 120)) node.pingStatus = 'ConnectionLost';
    await watch();
    for (const node of aws.nodes.slice(0, 120)) node.pingStatus = 'Online';
    aws.resetCounts();
    aws.stateChanges.length = 0;
    let pages = 0;
    aws.fault = (operation) => (operation === 'DescribeInstanceInformation' && ++pages === 2 ? 'server-error' : undefined);

    await expect(watch()).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(aws.calls.get('PutMetricData')).toBeUndefined();
    expect(aws.stateChanges).toEqual([]);

    aws.fault = undefined;
    await watch();
    expect(aws.stateChanges.filter((change) => change.detail.state.value === 'OK')).toHaveLength(120);
  });

  it('holds the value of a lost node the inventory has not given an alarm yet, and of one outside the registry', async () => {
    const { aws, watch } = await alarmedFleet(3);
    aws.nodes.push({ instanceId: 'i-0000000000000000a', pingStatus: 'ConnectionLost' });
    const { result } = await watch();
    expect(result).toMatchObject({ notOnline: 1, lost: 0, held: 1 });
    expect(nodeValues(aws)).toEqual([]);
  });

  it('never throws for a publish that fails: the run ends, says so, and the next run publishes', async () => {
    const { aws, watch } = await alarmedFleet(10);
    aws.nodes[4]!.pingStatus = 'ConnectionLost';
    aws.fault = (operation) => (operation === 'PutMetricData' ? 'throttle' : undefined);
    const { result, timersLeft } = await watch();
    expect(result).toMatchObject({ lost: 1, published: false, complete: true });
    expect(timersLeft).toBe(0);
    aws.fault = undefined;
    await watch();
    expect(aws.alarms.get(alarmName('i-00000000000000005'))!.StateValue).toBe('ALARM');
  });

  describe('when AWS serves the status-filtered list in nearly empty pages', () => {
    it('reads the known nodes by ID instead, misses none, and ends within half its timeout at 50,000 nodes and 100 ms a call', async () => {
      const { aws, watch } = await alarmedFleet(50_000, { filteredPages: 'sparse' });
      aws.latencyMs = 100;
      const lost = new Set<string>();
      for (let index = 0; index < 500; index++) {
        aws.nodes[index * 100 + 7]!.pingStatus = 'ConnectionLost';
        lost.add(aws.nodes[index * 100 + 7]!.instanceId);
      }
      const { result, seconds, timersLeft } = await watch();
      expect(result).toMatchObject({ mode: 'sliced', complete: true, notOnline: 500, lost: 500, published: true });
      expect(new Set(nodeValues(aws).map(([id]) => id))).toEqual(lost);
      expect(seconds).toBeLessThanOrEqual(27.5);
      expect(timersLeft).toBe(0);
      expect(aws.published.some((datum) => datum.MetricName === 'SlicedReads')).toBe(true);
    });

    it('also when the pages are dense but too many to read in time (a storm), and publishes the heartbeat', async () => {
      const { aws, watch } = await alarmedFleet(20_000);
      aws.latencyMs = 100;
      for (const node of aws.nodes.slice(0, 15_000)) node.pingStatus = 'ConnectionLost';
      const { result, seconds } = await watch();
      // Each run decides (and alarms) 5,000 of the storm's nodes: all of them within three minutes.
      expect(result).toMatchObject({ complete: true, notOnline: 15_000, lost: 5000 });
      expect(seconds).toBeLessThanOrEqual(27.5);
      expect(aws.published.some((datum) => datum.MetricName === 'WatchRuns')).toBe(true);
      for (let minute = 0; minute < 2; minute++) {
        await clock.advance(60_000);
        const next = await watch();
        expect(next.seconds).toBeLessThanOrEqual(27.5);
      }
      expect([...aws.alarms.values()].filter((alarm) => alarm.StateValue === 'ALARM')).toHaveLength(15_000);
    });
  });
});
