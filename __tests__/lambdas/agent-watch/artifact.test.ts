import { agentWatchEnvironment } from '../../../contract/agent-watch-environment';
import { scheduledEvent } from '../../../fixtures/events';
import { SimulatedAws, fleetOf } from '../../../fixtures/simulated-aws';
import { seedAlarmedFleet } from '../../helpers/agent-health';
import { invokePackaged, packagedFunction } from '../../helpers/packaged-lambda';
import { serveSimulation } from '../../helpers/simulated-aws-server';

// Layer: the packaged bundle exactly as deployed, in its own process, over HTTP to the simulation
// (see the fleet inventory's artifact test).
describe('the packaged agent watch', () => {
  const REGISTRY = 'ssm-agent-ops-prod-node-registry';
  const watch = packagedFunction('-agent-watch', { aws_dynamodb_table: REGISTRY });

  it('is deployed with the handler and settings the stack gives it', () => {
    expect(watch.handler).toBe('index.handler');
    expect(agentWatchEnvironment.decode(watch.environment)).toEqual({
      namespace: 'SSMAgentOps/prod',
      alarmNamePrefix: 'ssm-agent-ops-prod-agent-',
      registryTable: REGISTRY,
      notesTable: 'ssm-agent-ops-prod-alert-notes',
      muteTag: { key: 'ssm-agent-ops:mute', value: 'true' },
      startGraceMinutes: 10,
      storm: { threshold: 10, windowMinutes: 5 },
      notifierFunction: 'arn:aws:lambda:ap-northeast-1:333333333333:function:ssm-agent-ops-prod-notifier',
    });
  });

  it('reads every page of nodes not online through Systems Manager throttling, and sends the lost ones to ALARM', async () => {
    const aws = new SimulatedAws({ account: '333333333333' });
    aws.nodes.push(...fleetOf(300));
    seedAlarmedFleet(aws);
    for (const node of aws.nodes.slice(100, 220)) node.pingStatus = 'ConnectionLost';
    let call = 0;
    aws.fault = (operation) => (operation === 'DescribeInstanceInformation' && ++call % 2 === 0 ? 'throttle' : undefined);
    const { endpoint, stop } = await serveSimulation(aws);
    try {
      const [result] = await invokePackaged(watch, endpoint, [scheduledEvent()]);
      expect(result).toMatchObject({ ok: true, result: { notOnline: 120, lost: 120, complete: true, published: true } });
      expect(aws.statsOf('DescribeInstanceInformation').throttled).toBeGreaterThan(0);
      expect([...aws.alarms.values()].filter((alarm) => alarm.StateValue === 'ALARM')).toHaveLength(120);
      expect(aws.published.filter((datum) => datum.MetricName === 'WatchRuns')).toHaveLength(1);
    } finally {
      await stop();
    }
  });
});
