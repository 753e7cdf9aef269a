import { SimulatedAws, fleetOf, type SimulatedNode } from '../../../fixtures/simulated-aws';
import { VirtualClock } from '../../../fixtures/virtual-clock';
import { agentAlarm } from '../../../lambdas/shared/agent-alarm';
import { PROD, agentHealth, alarmName } from '../../helpers/agent-health';

// Layer: the inventory's own code against the simulation through aws-sdk-client-mock: no SDK
// middleware, so a throttled call fails at once, as it would once the SDK's retries are spent.

let clock: VirtualClock;
beforeEach(() => (clock = new VirtualClock()));
afterEach(() => clock.uninstall());

const alarmStates = (aws: SimulatedAws) => [...aws.alarms.values()].map((alarm) => alarm.StateValue);
const metric = (aws: SimulatedAws, name: string, operation?: string) =>
  aws.published.filter((datum) => datum.MetricName === name && (operation === undefined || datum.Dimensions?.[0]?.Value === operation)).map((datum) => datum.Value);

function fleet(count: number, latencyMs = 0, options: ConstructorParameters<typeof SimulatedAws>[0] = {}) {
  const aws = new SimulatedAws({ latencyMs, ...options });
  aws.nodes.push(...fleetOf(count));
  return aws;
}

describe('fleet inventory', () => {
  it('gives every node of a new fleet its alarm at the quota, settles each in OK, and mails no one', async () => {
    const aws = fleet(120, 100);
    const { inventory } = agentHealth(aws, clock);
    const { result, seconds, timersLeft } = await inventory();

    expect(aws.alarms.size).toBe(120);
    expect(aws.alarms.get(alarmName('i-00000000000000120'))).toMatchObject({
      Namespace: 'SSMAgentOps/prod',
      MetricName: 'AgentConnectionLost',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-00000000000000120' }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    });
    expect(new Set(alarmStates(aws))).toEqual(new Set(['OK']));
    // INSUFFICIENT_DATA -> OK is no recovery: the alarm rule sends no such event to the notifier.
    expect(aws.stateChanges.every((change) => change.detail.previousState.value === 'INSUFFICIENT_DATA' && change.detail.state.value === 'OK')).toBe(true);
    expect(aws.peakPerSecond('PutMetricAlarm')).toBeLessThanOrEqual(3);
    expect(aws.statsOf('PutMetricAlarm').throttled).toBe(0);
    expect(seconds).toBeGreaterThanOrEqual(119 / 3);
    expect(result).toMatchObject({ outcome: 'done', listed: true, audited: true, joined: 120, writes: { PutMetricAlarm: { done: 120, pending: 0 } }, continued: false });
    expect(metric(aws, 'InventoryRuns')).toEqual([1]);
    expect(timersLeft).toBe(0);
    expect(aws.inFlight).toBe(0);
  });

  it('writes nothing and reads no alarm once the fleet is alarmed, and keeps within a few calls a run', async () => {
    const aws = fleet(2000);
    const { inventory, inventoryToTheEnd } = agentHealth(aws, clock);
    await inventoryToTheEnd();
    aws.resetCounts();

    const { result } = await inventory();
    expect(result.writes.PutMetricAlarm).toMatchObject({ done: 0, pending: 0 });
    expect(aws.calls.get('PutMetricAlarm')).toBeUndefined();
    expect(aws.calls.get('DeleteAlarms')).toBeUndefined();
    expect(aws.calls.get('DescribeAlarms')).toBeUndefined();
    // 2 EC2 pages, the hybrid listing, an eighth of the nodes swept by ID (250 / 50), the registry.
    expect(aws.calls.get('DescribeInstances')).toBe(2);
    expect(aws.calls.get('DescribeInstanceInformation')).toBe(1 + 5);
    expect(aws.calls.get('BatchWriteItem') ?? 0).toBe(0);
    expect(aws.totalCalls()).toBeLessThanOrEqual(20);
  });

  it('creates the alarm of a node that joins and deletes that of a node that leaves, within one run', async () => {
    const aws = fleet(3);
    const { inventory } = agentHealth(aws, clock);
    await inventory();
    aws.nodes.splice(0, 1); // i-...1 terminated: gone from the listing
    aws.nodes[0]!.state = 'shutting-down'; // i-...2 terminating
    aws.nodes.push({ instanceId: 'i-0000000000000000a', pingStatus: 'Online' });
    aws.resetCounts();

    const { result } = await inventory();
    expect([...aws.alarms.keys()].sort()).toEqual([alarmName('i-00000000000000003'), alarmName('i-0000000000000000a')]);
    expect(result).toMatchObject({ joined: 1, left: 2, writes: { PutMetricAlarm: { done: 1 }, DeleteAlarms: { done: 2 } } });
    expect(aws.calls.get('DeleteAlarms')).toBe(1);
    expect([...aws.table(PROD.registryTable).keys()].filter((id) => !id.startsWith('#')).sort()).toEqual(['i-00000000000000003', 'i-0000000000000000a']);
  });

  it('during a long listing, misses no node that stays and removes no alarm of a node that is there; joiners and leavers are settled by the next run', async () => {
    const aws = fleet(5000, 100, { filteredPages: 'sparse' });
    const { inventory, inventoryToTheEnd } = agentHealth(aws, clock);
    await inventoryToTheEnd();
    expect(aws.alarms.size).toBe(5000);

    // While the next run pages through EC2, an instance listed early terminates and one joins behind
    // the pages already read.
    let pages = 0;
    aws.beforeAnswer = (operation) => {
      if (operation !== 'DescribeInstances' || ++pages !== 3) return;
      aws.nodes.splice(aws.nodes.findIndex((node) => node.instanceId === 'i-00000000000000010'), 1);
      aws.nodes.push({ instanceId: 'i-00000000000000000', pingStatus: 'Online' });
    };
    const during = (await inventory()).result;
    aws.beforeAnswer = undefined;
    expect(during.left).toBe(0);
    expect(aws.alarms.size).toBe(5000);
    expect(aws.alarms.has(alarmName('i-00000000000000000'))).toBe(false);

    const after = (await inventory()).result;
    expect(after).toMatchObject({ joined: 1, left: 1 });
    expect(aws.alarms.has(alarmName('i-00000000000000010'))).toBe(false);
    expect(aws.alarms.has(alarmName('i-00000000000000000'))).toBe(true);
    expect(aws.alarms.size).toBe(5000);
  });

  describe('alarm writes that fail', () => {
    it('absorbs throttled creates: tried again while the run lasts, then by later runs, counted, the heartbeat published', async () => {
      const aws = fleet(30);
      aws.fault = (operation) => (operation === 'PutMetricAlarm' ? 'throttle' : undefined);
      const { inventory } = agentHealth(aws, clock);

      const { result, seconds, timersLeft } = await inventory();
      expect(result.outcome).toBe('done');
      expect(seconds).toBeLessThanOrEqual(450);
      expect(result.writes.PutMetricAlarm).toMatchObject({ done: 0, refused: 0, pending: 30, stopped: 'deadline' });
      expect(metric(aws, 'AlarmWritesDeferred', 'PutMetricAlarm')).toEqual([result.writes.PutMetricAlarm.deferred]);
      expect(metric(aws, 'AlarmWritesPending', 'PutMetricAlarm')).toEqual([30]);
      expect(metric(aws, 'AlarmWriteErrors')).toEqual([]);
      expect(metric(aws, 'InventoryRuns')).toEqual([1]);
      expect(timersLeft).toBe(0);

      // Throttling passes: the next run writes them all.
      let throttled = 0;
      aws.fault = (operation) => (operation === 'PutMetricAlarm' && throttled++ < 10 ? 'throttle' : undefined);
      const next = (await inventory()).result;
      expect(next.writes.PutMetricAlarm).toMatchObject({ done: 30, deferred: 10, pending: 0 });
      expect(aws.alarms.size).toBe(30);
    });

    it('stays under a quota that others use up too, and catches up later', async () => {
      // Another tool of the account uses two thirds of the PutMetricAlarm quota.
      const aws = fleet(60, 50, { quotas: { PutMetricAlarm: 1 } });
      const { inventory } = agentHealth(aws, clock);
      const { result } = await inventory();
      expect(aws.statsOf('PutMetricAlarm').throttled).toBeGreaterThan(0);
      expect(result.writes.PutMetricAlarm).toMatchObject({ done: 60, refused: 0, pending: 0 });
      expect(aws.alarms.size).toBe(60);
    });

    it('counts denied creates where a self-monitoring alarm sees them, stops after five, and still deletes', async () => {
      const aws = fleet(20);
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      aws.nodes.splice(0, 10);
      aws.nodes.push(...fleetOf(40).slice(20));
      aws.fault = (operation) => (operation === 'PutMetricAlarm' ? 'denied' : undefined);
      aws.resetCounts();

      const { result, timersLeft } = await inventory();
      expect(result.writes.PutMetricAlarm).toMatchObject({ done: 0, stopped: 'refusals', pending: 20 });
      // Five in a row stop the writers; those already in flight (four at most at a time) are counted too.
      expect(result.writes.PutMetricAlarm.refused).toBeGreaterThanOrEqual(5);
      expect(result.writes.PutMetricAlarm.refused).toBeLessThanOrEqual(8);
      expect(aws.calls.get('PutMetricAlarm')).toBe(result.writes.PutMetricAlarm.refused);
      expect(result.writes.DeleteAlarms).toMatchObject({ done: 10, pending: 0 });
      expect(aws.alarms.size).toBe(10);
      expect(metric(aws, 'AlarmWriteErrors', 'PutMetricAlarm')).toEqual([result.writes.PutMetricAlarm.refused]);
      expect(metric(aws, 'AlarmWritesPending', 'PutMetricAlarm')).toEqual([20]);
      expect(metric(aws, 'InventoryRuns')).toEqual([1]);
      expect(result.continued).toBe(false);
      expect(timersLeft).toBe(0);

      // Fixed permissions: the next run writes them.
      aws.fault = undefined;
      await inventory();
      expect(aws.alarms.size).toBe(30);
    });

    it('counts denied deletes, and creates new alarms all the same', async () => {
      const aws = fleet(20);
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      aws.nodes.splice(0, 10);
      aws.nodes.push(...fleetOf(25).slice(20));
      aws.fault = (operation) => (operation === 'DeleteAlarms' ? 'denied' : undefined);

      const { result } = await inventory();
      expect(result.writes.PutMetricAlarm).toMatchObject({ done: 5, pending: 0 });
      expect(result.writes.DeleteAlarms).toMatchObject({ done: 0, refused: 10, pending: 10 });
      expect(metric(aws, 'AlarmWriteErrors', 'DeleteAlarms')).toEqual([10]);
      expect(aws.alarms.size).toBe(25);

      aws.fault = undefined;
      await inventory();
      expect(aws.alarms.size).toBe(15);
    });

    it('leaves writes that fail with a server error for later without counting them as refused', async () => {
      const aws = fleet(10);
      aws.fault = (operation) => (operation === 'PutMetricAlarm' || operation === 'DeleteAlarms' ? 'server-error' : undefined);
      const { inventory } = agentHealth(aws, clock);
      const { result } = await inventory();
      expect(result.writes.PutMetricAlarm).toMatchObject({ done: 0, refused: 0 });
      expect(result.writes.PutMetricAlarm.deferred).toBeGreaterThan(0);
      expect(metric(aws, 'AlarmWriteErrors')).toEqual([]);
      aws.fault = undefined;
      await inventory();
      expect(aws.alarms.size).toBe(10);
    });

    it('deletes the alarms that remain when DeleteAlarms refuses a batch naming one that is already gone', async () => {
      const aws = fleet(5);
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      aws.nodes.splice(0, 3);
      aws.alarms.delete(alarmName('i-00000000000000002')); // deleted by hand meanwhile
      const { result } = await inventory();
      expect(result.writes.DeleteAlarms).toMatchObject({ done: 3, refused: 0, pending: 0 });
      expect([...aws.alarms.keys()].sort()).toEqual([alarmName('i-00000000000000004'), alarmName('i-00000000000000005')]);
    });
  });

  describe('a fleet too large for one run', () => {
    it('ends each run within half its timeout and hands the rest to a new invocation while it makes progress', async () => {
      const aws = fleet(3000);
      const { inventory, inventoryWith } = agentHealth(aws, clock);
      const first = await inventory();
      expect(first.seconds).toBeLessThanOrEqual(450);
      expect(first.result.continued).toBe(true);
      expect(aws.invocations).toEqual([
        expect.objectContaining({ functionName: 'arn:aws:lambda:ap-northeast-1:123456789012:function:ssm-agent-ops-prod-fleet-inventory', invocationType: 'Event', payload: { source: 'ssm-agent-ops.fleet-inventory', continuation: 1 } }),
      ]);
      const written = aws.alarms.size;
      expect(written).toBeGreaterThan(1200);
      const second = await inventoryWith(aws.invocations[0]!.payload);
      expect(second.result.listed).toBe(false);
      expect(second.seconds).toBeLessThanOrEqual(450);
      expect(aws.alarms.size).toBeGreaterThan(written + 1200);
    });

    it('hands nothing on when no write succeeded, and lets the schedule try again', async () => {
      const aws = fleet(3000);
      aws.fault = (operation) => (operation === 'PutMetricAlarm' ? 'throttle' : undefined);
      const { inventory } = agentHealth(aws, clock);
      const { result, seconds } = await inventory();
      expect(result.continued).toBe(false);
      expect(aws.invocations).toEqual([]);
      expect(seconds).toBeLessThanOrEqual(450);
    });

    it('runs one at a time: a run started while another holds the lease stops at once', async () => {
      const aws = fleet(10);
      const first = agentHealth(aws, clock);
      const second = agentHealth(aws, clock);
      const [one, two] = await Promise.all([first.inventory(), second.inventory()]);
      expect([one.result.outcome, two.result.outcome].sort()).toEqual(['another-run-in-progress', 'done']);
      expect(aws.alarms.size).toBe(10);
      // The run that worked gave the lease back when it saved its state.
      expect(aws.table(PROD.registryTable).get('#inventory')).not.toHaveProperty('leaseOwner');
      expect(aws.table(PROD.registryTable).get('#inventory')).toHaveProperty('generation');
    });
  });

  describe('Systems Manager', () => {
    it('gives no alarm to an instance that is not a managed node, and one once it registers', async () => {
      const aws = fleet(2);
      aws.nodes.push({ instanceId: 'i-0000000000000000b', pingStatus: 'Online', registered: false, launchTime: new Date() });
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      expect(aws.alarms.has(alarmName('i-0000000000000000b'))).toBe(false);
      aws.nodes[2]!.registered = true;
      await clock.advance(15 * 60_000);
      await inventory();
      expect(aws.alarms.has(alarmName('i-0000000000000000b'))).toBe(true);
    });

    it('deletes the alarm of a running instance deregistered from Systems Manager, found by the sweep within its period', async () => {
      const aws = fleet(8);
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      aws.nodes[5]!.registered = false;
      // The sweep reads every node once in 120 minutes: 8 runs of 15 minutes at most.
      for (let run = 0; run < 8 && aws.alarms.has(alarmName('i-00000000000000006')); run++) await inventory();
      expect(aws.alarms.has(alarmName('i-00000000000000006'))).toBe(false);
      expect(aws.alarms.size).toBe(7);
    });

    it('keeps the alarm of a stopped instance, which Systems Manager does not list', async () => {
      const aws = fleet(4);
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      aws.nodes[1]!.state = 'stopped';
      for (let run = 0; run < 8; run++) await inventory();
      expect(aws.alarms.size).toBe(4);
    });

    it('logs a ping status AWS does not document, treats the node as not online, and sends its alarm to ALARM', async () => {
      const aws = fleet(4);
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      aws.nodes[2]!.pingStatus = 'Hibernating';
      const warnings: unknown[] = [];
      const { logger } = await import('../../../lambdas/shared/powertools');
      const spy = jest.spyOn(logger, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args));
      try {
        for (let run = 0; run < 8; run++) await inventory();
      } finally {
        spy.mockRestore();
      }
      expect(warnings).toContainEqual(['Unknown ping status, treated as not online', { instanceId: 'i-00000000000000003', pingStatus: 'Hibernating' }]);
      expect(aws.alarms.get(alarmName('i-00000000000000003'))!.StateValue).toBe('ALARM');
    });

    it('sweeps a fleet that fits one query in every run, so an unknown status is caught at the next run', async () => {
      const aws = fleet(40);
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      aws.nodes[31]!.pingStatus = 'Hibernating';
      await inventory();
      expect(aws.alarms.get(alarmName('i-00000000000000032'))!.StateValue).toBe('ALARM');
    });

    it('reads nodes by ID whether or not AWS refuses IDs that are not managed nodes (InvalidInstanceId)', async () => {
      const aws = fleet(60, 0, { unknownInstanceIds: 'reject' });
      aws.nodes[7]!.registered = false;
      aws.nodes[42]!.registered = false;
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      expect(aws.alarms.size).toBe(58);
      expect(aws.alarms.has(alarmName('i-00000000000000008'))).toBe(false);
    });

    it('watches only the update targets when scoped, hybrid nodes included', async () => {
      const aws = new SimulatedAws();
      const nodes: SimulatedNode[] = [
        { instanceId: 'i-000000000000000a1', pingStatus: 'Online', tags: { 'ope-type': 'auto' } },
        { instanceId: 'i-000000000000000b2', pingStatus: 'Online', tags: { 'ope-type': 'manual' } },
        { instanceId: 'i-000000000000000c3', pingStatus: 'Online' },
        { instanceId: 'mi-000000000000000d4', pingStatus: 'Online', tags: { 'ope-type': 'auto' } },
        { instanceId: 'mi-000000000000000e5', pingStatus: 'Online' },
      ];
      aws.nodes.push(...nodes);
      const { inventory } = agentHealth(aws, clock, { scopeTag: { key: 'ope-type', values: ['auto'] } });
      await inventory();
      expect([...aws.alarms.keys()].sort()).toEqual([alarmName('i-000000000000000a1'), alarmName('mi-000000000000000d4')]);

      // Tags change: one instance leaves scope, one hybrid node joins it.
      aws.nodes[0]!.tags = { 'ope-type': 'manual' };
      aws.nodes[4]!.tags = { 'ope-type': 'auto' };
      for (let run = 0; run < 4; run++) await inventory();
      expect([...aws.alarms.keys()].sort()).toEqual([alarmName('mi-000000000000000d4'), alarmName('mi-000000000000000e5')]);
    });
  });

  describe('alarms that exist before the registry knows them', () => {
    it('adopts the alarms of an earlier version instead of writing them again, repairs those that differ, and deletes orphans', async () => {
      const aws = fleet(50);
      const settings = { namespace: PROD.namespace, alarmNamePrefix: PROD.alarmNamePrefix };
      for (const node of aws.nodes) aws.alarms.set(alarmName(node.instanceId), { ...agentAlarm(node.instanceId, settings), StateValue: 'OK' } as never);
      aws.alarms.get(alarmName('i-00000000000000007'))!.TreatMissingData = 'breaching';
      aws.alarms.set(alarmName('i-0000000000000dead'), { ...agentAlarm('i-0000000000000dead', settings), StateValue: 'ALARM' } as never);
      aws.alarms.set('someone-elses-alarm', { AlarmName: 'someone-elses-alarm', StateValue: 'OK' });

      const { inventory } = agentHealth(aws, clock);
      const { result } = await inventory();
      expect(result.writes.PutMetricAlarm.done).toBe(1);
      expect(aws.alarms.get(alarmName('i-00000000000000007'))!.TreatMissingData).toBe('ignore');
      expect(result.writes.DeleteAlarms.done).toBe(1);
      expect(aws.alarms.has(alarmName('i-0000000000000dead'))).toBe(false);
      expect(aws.alarms.has('someone-elses-alarm')).toBe(true);
      expect(aws.alarms.size).toBe(51);
    });

    it('writes again an alarm deleted by hand once the daily audit finds it missing', async () => {
      const aws = fleet(5);
      const { inventory } = agentHealth(aws, clock);
      await inventory();
      aws.alarms.delete(alarmName('i-00000000000000003'));
      await clock.advance(24 * 60 * 60_000);
      await inventory();
      expect(aws.alarms.has(alarmName('i-00000000000000003'))).toBe(true);
    });
  });
});
