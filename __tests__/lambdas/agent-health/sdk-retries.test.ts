import { fleetOf, SimulatedAws } from '../../../fixtures/simulated-aws';
import { wireClients } from '../../../fixtures/simulated-aws-wire';
import { scheduledEvent } from '../../../fixtures/events';
import { lambdaContext } from '../../../fixtures/lambda-context';
import { VirtualClock } from '../../../fixtures/virtual-clock';
import { createWatch } from '../../../lambdas/agent-watch/watch';
import { createInventory } from '../../../lambdas/fleet-inventory/inventory';
import { sdkClientConfig } from '../../../lambdas/shared/sdk';
import { INVENTORY_DEFAULTS, PROD, WATCH_DEFAULTS, seedAlarmedFleet } from '../../helpers/agent-health';

// Layer: the whole AWS SDK for JavaScript v3 as deployed (the clients' retry mode and attempts from
// lambdas/shared/sdk.ts), talking to the simulation through its HTTP wire protocols: requests are
// serialized, errors parsed from each protocol's error shape and classified, and retried by the SDK's
// own retry strategy, on the virtual clock.

let clock: VirtualClock;
beforeEach(() => (clock = new VirtualClock()));
afterEach(() => clock.uninstall());

function deployed(aws: SimulatedAws) {
  const clients = wireClients(aws, sdkClientConfig);
  const inventory = createInventory({ ...clients, registry: clients.dynamodb, settings: INVENTORY_DEFAULTS });
  const watch = createWatch({ ...clients, registry: clients.dynamodb, settings: WATCH_DEFAULTS });
  let request = 0;
  return {
    inventory: () => clock.run(() => inventory(scheduledEvent(), lambdaContext('ssm-agent-ops-prod-fleet-inventory', 900, `retries-${++request}`))),
    watch: () => clock.run(() => watch(scheduledEvent(), lambdaContext('ssm-agent-ops-prod-agent-watch', 55, `retries-${++request}`))),
  };
}

const metric = (aws: SimulatedAws, name: string) => aws.published.filter((datum) => datum.MetricName === name).map((datum) => datum.Value);

describe('the SDK retries, as deployed', () => {
  it('absorb CloudWatch throttling of PutMetricAlarm (query code Throttling) so that every alarm is written in the run', async () => {
    const aws = new SimulatedAws({ latencyMs: 20 });
    aws.nodes.push(...fleetOf(40));
    // The first two attempts of each alarm are throttled; the SDK makes up to five.
    const attempts = new Map<string, number>();
    aws.fault = (operation, input) => {
      if (operation !== 'PutMetricAlarm') return undefined;
      const name = input.AlarmName as string;
      attempts.set(name, (attempts.get(name) ?? 0) + 1);
      return attempts.get(name)! <= 2 ? 'throttle' : undefined;
    };
    const { result } = await deployed(aws).inventory();
    // 80 injected throttles always; CloudWatch's quota may throttle a retry besides (it is then
    // retried again), so every call beyond the 40 that wrote an alarm was a throttled one.
    const writes = aws.statsOf('PutMetricAlarm');
    expect(writes.failed).toBe(80);
    expect(writes.calls - writes.throttled).toBe(40);
    expect(result.writes.PutMetricAlarm).toMatchObject({ done: 40, deferred: 0, refused: 0, pending: 0 });
    expect(aws.alarms.size).toBe(40);
  });

  it('give up on a write throttled every time after their last attempt; the run goes on, counts it and publishes its heartbeat', async () => {
    const aws = new SimulatedAws({ latencyMs: 20 });
    aws.nodes.push(...fleetOf(3));
    aws.fault = (operation) => (operation === 'PutMetricAlarm' ? 'throttle' : undefined);
    const { result, seconds, timersLeft } = await deployed(aws).inventory();
    expect(result.outcome).toBe('done');
    expect(result.writes.PutMetricAlarm).toMatchObject({ done: 0, refused: 0, pending: 3 });
    expect(result.writes.PutMetricAlarm.deferred).toBeGreaterThan(0);
    // The SDK tried each write more than once (5 attempts as deployed, until its retry quota is spent).
    expect(aws.statsOf('PutMetricAlarm').calls).toBeGreaterThan(result.writes.PutMetricAlarm.deferred);
    expect(aws.statsOf('PutMetricAlarm').calls).toBeLessThanOrEqual(result.writes.PutMetricAlarm.deferred * sdkClientConfig.maxAttempts);
    expect(metric(aws, 'InventoryRuns')).toEqual([1]);
    expect(seconds).toBeLessThanOrEqual(450);
    expect(timersLeft).toBe(0);
  });

  it('do not retry a denied write: one request each, counted as refused', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(3));
    aws.fault = (operation) => (operation === 'PutMetricAlarm' ? 'denied' : undefined);
    const { result } = await deployed(aws).inventory();
    expect(result.writes.PutMetricAlarm).toMatchObject({ done: 0, refused: 3 });
    expect(aws.statsOf('PutMetricAlarm').calls).toBe(3);
    expect(metric(aws, 'AlarmWriteErrors')).toEqual([3]);
  });

  it('retry a server error of DeleteAlarms, and the ResourceNotFound of a batch naming a deleted alarm is resolved', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(4));
    const { inventory } = deployed(aws);
    await inventory();
    aws.nodes.splice(0, 2);
    aws.alarms.delete(`${PROD.alarmNamePrefix}i-00000000000000001`);
    let call = 0;
    aws.fault = (operation) => (operation === 'DeleteAlarms' && ++call === 1 ? 'server-error' : undefined);
    const { result } = await inventory();
    expect(result.writes.DeleteAlarms).toMatchObject({ done: 2, deferred: 0, refused: 0 });
    expect(aws.alarms.size).toBe(2);
  });

  it('read every page of Systems Manager through its throttling, so the watch completes its run', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(300));
    const { inventory, watch } = deployed(aws);
    await inventory();
    for (const node of aws.nodes.slice(0, 120)) node.pingStatus = 'ConnectionLost';
    let call = 0;
    aws.fault = (operation) => (operation === 'DescribeInstanceInformation' && ++call % 2 === 0 ? 'throttle' : undefined);
    const { result } = await watch();
    expect(result).toMatchObject({ notOnline: 120, lost: 120, complete: true, published: true });
    expect(aws.statsOf('DescribeInstanceInformation').throttled).toBeGreaterThan(0);
  });
  describe('of the hand-over of a storm digest to the notifier (Lambda Invoke, REST JSON)', () => {
    const stormed = async (fault: (attempt: number) => 'throttle' | 'server-error' | undefined) => {
      const aws = new SimulatedAws({ latencyMs: 5 });
      aws.nodes.push(...fleetOf(200));
      seedAlarmedFleet(aws);
      let attempt = 0;
      aws.fault = (operation) => (operation === 'Invoke' ? fault(++attempt) : undefined);
      for (const node of aws.nodes.slice(0, 60)) node.pingStatus = 'ConnectionLost';
      const product = deployed(aws);
      return { aws, product, attempts: () => attempt };
    };
    const digests = (aws: SimulatedAws) => aws.invocations.filter((invocation) => invocation.functionName === PROD.notifierFunction).map((invocation) => (invocation.payload as { id: string }).id);

    it('absorb a 500 from Lambda: the digest is handed over once, in the same run', async () => {
      const { aws, product, attempts } = await stormed((attempt) => (attempt === 1 ? 'server-error' : undefined));
      const { result } = await product.watch();
      expect(attempts()).toBe(2);
      expect(result).toMatchObject({ lost: 60, digestsSent: 1 });
      expect(digests(aws)).toHaveLength(1);
    });

    it('leave a digest refused beyond their last attempt to the next run, which hands over the same digest ID', async () => {
      const { aws, product, attempts } = await stormed((attempt) => (attempt <= sdkClientConfig.maxAttempts ? 'throttle' : undefined));
      const first = (await product.watch()).result;
      expect(first).toMatchObject({ lost: 60, digestsSent: 0, published: true });
      expect(attempts()).toBe(sdkClientConfig.maxAttempts);
      await clock.advance(60_000);
      const second = (await product.watch()).result;
      expect(second).toMatchObject({ lost: 0, digestsSent: 1 });
      expect(digests(aws)).toEqual([expect.stringMatching(/^lost@.+#0$/)]);
    });
  });
});
