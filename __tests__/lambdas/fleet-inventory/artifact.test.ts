import { fleetInventoryEnvironment } from '../../../contract/fleet-inventory-environment';
import { scheduledEvent } from '../../../fixtures/events';
import { SimulatedAws, fleetOf } from '../../../fixtures/simulated-aws';
import { invokePackaged, packagedFunction } from '../../helpers/packaged-lambda';
import { serveSimulation } from '../../helpers/simulated-aws-server';

// Layer: the packaged bundle exactly as deployed (its own bundled SDK, retry settings and
// compression), run as Lambda runs it in a separate process, every AWS call going over HTTP to the
// simulation in each service's wire protocol, in real time.
describe('the packaged fleet inventory', () => {
  const REGISTRY = 'ssm-agent-ops-prod-node-registry';
  const inventory = packagedFunction('-fleet-inventory', { aws_dynamodb_table: REGISTRY });

  it('is deployed with the handler and settings the stack gives it', () => {
    expect(inventory.handler).toBe('index.handler');
    expect(fleetInventoryEnvironment.decode(inventory.environment)).toEqual({
      namespace: 'SSMAgentOps/prod',
      alarmNamePrefix: 'ssm-agent-ops-prod-agent-',
      registryTable: REGISTRY,
      inventoryMinutes: 15,
      sweepMinutes: 120,
      alarmWritesPerSecond: 3,
      muteTag: { key: 'ssm-agent-ops:mute', value: 'true' },
      startGraceMinutes: 10,
      storm: { threshold: 10, windowMinutes: 5 },
      notifierFunction: 'arn:aws:lambda:ap-northeast-1:333333333333:function:ssm-agent-ops-prod-notifier',
      updateTargetTag: { key: 'ope-type', values: ['auto'] },
      missingScope: 'update-targets',
    });
  });

  it('writes every alarm through throttling its SDK retries, and ends normally when writes are denied', async () => {
    const aws = new SimulatedAws({ account: '333333333333' });
    aws.nodes.push(...fleetOf(6));
    // The first attempt of two of the alarms is throttled. (More throttling slows the deployed
    // client's adaptive rate limiter down to half a call a second, longer than this test's run.)
    const attempts = new Map<string, number>();
    aws.fault = (operation, input) => {
      if (operation !== 'PutMetricAlarm') return undefined;
      const name = input.AlarmName as string;
      attempts.set(name, (attempts.get(name) ?? 0) + 1);
      return attempts.get(name) === 1 && /0[12]$/.test(name) ? 'throttle' : undefined;
    };
    const { endpoint, stop } = await serveSimulation(aws);
    try {
      const [first] = await invokePackaged(inventory, endpoint, [scheduledEvent()]);
      expect(first).toMatchObject({ ok: true, result: { outcome: 'done', writes: { PutMetricAlarm: { done: 6, deferred: 0, refused: 0, pending: 0 } } } });
      // The two injected throttles always happen; CloudWatch's real quota may throttle a retry
      // too when the processes run slowly, and each throttled call is then retried again.
      const writes = aws.statsOf('PutMetricAlarm');
      expect(writes.throttled).toBeGreaterThanOrEqual(2);
      expect(writes.calls).toBe(6 + writes.throttled);
      expect(aws.alarms.size).toBe(6);
      expect(aws.table(REGISTRY).get('i-00000000000000006')).toMatchObject({ registered: true, alarm: expect.any(String) });

      aws.nodes.push(...fleetOf(9).slice(6));
      aws.fault = (operation) => (operation === 'PutMetricAlarm' ? 'denied' : undefined);
      const [second] = await invokePackaged(inventory, endpoint, [scheduledEvent()]);
      expect(second).toMatchObject({ ok: true, result: { writes: { PutMetricAlarm: { done: 0, refused: 3, pending: 3 } } } });
      expect(aws.published.filter((datum) => datum.MetricName === 'AlarmWriteErrors').map((datum) => datum.Value)).toEqual([3]);
      expect(aws.published.filter((datum) => datum.MetricName === 'InventoryRuns')).toHaveLength(2);
    } finally {
      await stop();
    }
  });
});
