import type { Context } from 'aws-lambda';
import { createMonitor, type MonitorSettings } from '../../../lambdas/agent-monitor/monitor';
import { SimulatedAws, fleetOf } from '../../../fixtures/simulated-aws';

const settings: MonitorSettings = { namespace: 'SSMAgentOps/prod', alarmNamePrefix: 'ssm-agent-ops-prod-agent-' };
const context = { getRemainingTimeInMillis: () => 55_000 } as Context;

function monitorOf(aws: SimulatedAws, overrides: Partial<MonitorSettings> = {}) {
  const monitor = createMonitor({ ssm: aws.ssm, cloudwatch: aws.cloudwatch, settings: { ...settings, ...overrides } });
  return () => monitor({}, context);
}

const alarmNames = (aws: SimulatedAws) => [...aws.alarms.keys()].sort();
const nodeData = (aws: SimulatedAws) => aws.published.filter((datum) => datum.MetricName === 'AgentConnectionLost');

describe('agent monitor', () => {
  it('reads all 120 nodes over 3 pages of 50 and gives each its alarm in one run', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(120));
    const summary = await monitorOf(aws)();
    expect(aws.calls.get('DescribeInstanceInformation')).toBe(3);
    expect(summary.nodes).toBe(120);
    expect(aws.alarms.size).toBe(120);
    expect(alarmNames(aws)[0]).toBe('ssm-agent-ops-prod-agent-i-00000000000000001');
    expect(aws.alarms.get('ssm-agent-ops-prod-agent-i-00000000000000120')).toMatchObject({
      Namespace: 'SSMAgentOps/prod',
      MetricName: 'AgentConnectionLost',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-00000000000000120' }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      StateValue: 'OK',
    });
  });

  it('creates, keeps and deletes alarms only on change, never re-putting them every minute', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(3));
    const run = monitorOf(aws);
    await run();
    aws.resetCounts();

    await run();
    expect(aws.calls.get('PutMetricAlarm')).toBeUndefined();
    expect(aws.calls.get('DeleteAlarms')).toBeUndefined();

    aws.nodes.splice(0, 1); // i-...1 terminated
    aws.nodes.push({ instanceId: 'i-0000000000000000a', pingStatus: 'Online' });
    aws.resetCounts();
    await run();
    expect(aws.calls.get('PutMetricAlarm')).toBe(1);
    expect(aws.calls.get('DeleteAlarms')).toBe(1);
    expect(alarmNames(aws)).toEqual([
      'ssm-agent-ops-prod-agent-i-00000000000000002',
      'ssm-agent-ops-prod-agent-i-00000000000000003',
      'ssm-agent-ops-prod-agent-i-0000000000000000a',
    ]);
  });

  it('puts an alarm again when its definition changed, and leaves alarms of other products alone', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(1));
    await monitorOf(aws)();
    aws.alarms.get('ssm-agent-ops-prod-agent-i-00000000000000001')!.TreatMissingData = 'breaching';
    aws.alarms.set('other-alarm', { AlarmName: 'other-alarm', StateValue: 'OK' });
    aws.resetCounts();
    await monitorOf(aws)();
    expect(aws.calls.get('PutMetricAlarm')).toBe(1);
    expect(aws.alarms.get('ssm-agent-ops-prod-agent-i-00000000000000001')!.TreatMissingData).toBe('ignore');
    expect(aws.alarms.has('other-alarm')).toBe(true);
  });

  it('publishes 2,500 nodes in at most 3 PutMetricData calls of at most 1,000 values', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(2500));
    await monitorOf(aws)();
    expect(aws.calls.get('PutMetricData')).toBeLessThanOrEqual(3);
    expect(nodeData(aws)).toHaveLength(2500);
  });

  it('publishes nothing per node for a healthy fleet whose alarms are OK, only fleet counts and the heartbeat', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(200));
    const run = monitorOf(aws);
    await run();
    aws.resetCounts();
    await run();
    expect(nodeData(aws)).toEqual([]);
    expect(aws.calls.get('PutMetricData')).toBe(1);
    expect(aws.published.map((datum) => [datum.MetricName, datum.Dimensions?.[0]?.Value, datum.Value])).toEqual([
      ['ManagedNodes', 'Online', 200],
      ['ManagedNodes', 'ConnectionLost', 0],
      ['ManagedNodes', 'Inactive', 0],
      ['ManagedNodes', 'Other', 0],
      ['MonitorRuns', undefined, 1],
    ]);
  });

  it('raises the alarm of a node that loses its connection, and clears it when the node is back', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(2));
    const run = monitorOf(aws);
    await run();
    aws.nodes[1]!.pingStatus = 'ConnectionLost';
    await run();
    await run();
    aws.nodes[1]!.pingStatus = 'Online';
    await run();
    await run();
    const transitions = aws.stateChanges.map((change) => [change.detail.alarmName, change.detail.previousState.value, change.detail.state.value]);
    expect(transitions).toEqual([
      ['ssm-agent-ops-prod-agent-i-00000000000000001', 'INSUFFICIENT_DATA', 'OK'],
      ['ssm-agent-ops-prod-agent-i-00000000000000002', 'INSUFFICIENT_DATA', 'OK'],
      ['ssm-agent-ops-prod-agent-i-00000000000000002', 'OK', 'ALARM'],
      ['ssm-agent-ops-prod-agent-i-00000000000000002', 'ALARM', 'OK'],
    ]);
  });

  it.each(['Inactive', 'Stopped', 'Unknown', ''])('treats the ping status %p as not online, without failing', async (status) => {
    const aws = new SimulatedAws();
    aws.nodes.push({ instanceId: 'i-0123456789abcdef0', pingStatus: status });
    const summary = await monitorOf(aws)();
    expect(aws.alarms.get('ssm-agent-ops-prod-agent-i-0123456789abcdef0')!.StateValue).toBe('ALARM');
    expect(summary.fleet[status === 'Inactive' ? 'Inactive' : 'Other']).toBe(1);
  });

  it('watches only the update targets when scoped to them', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push({ instanceId: 'i-000000000000000a1', pingStatus: 'Online', tags: { 'ope-type': 'auto' } });
    aws.nodes.push({ instanceId: 'i-000000000000000b2', pingStatus: 'Online', tags: { 'ope-type': 'manual' } });
    aws.nodes.push({ instanceId: 'i-000000000000000c3', pingStatus: 'Online' });
    await monitorOf(aws, { scopeTag: { key: 'ope-type', values: ['auto'] } })();
    expect(alarmNames(aws)).toEqual(['ssm-agent-ops-prod-agent-i-000000000000000a1']);
  });

  it('publishes nothing, reports no one recovered and deletes no alarm when the read fails half way', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(120, 'ConnectionLost'));
    await monitorOf(aws)();
    expect([...aws.alarms.values()].every((alarm) => alarm.StateValue === 'ALARM')).toBe(true);

    // The fleet recovers, but the second page of the next read fails.
    for (const node of aws.nodes) node.pingStatus = 'Online';
    aws.resetCounts();
    const changesBefore = aws.stateChanges.length;
    let pages = 0;
    aws.fault = (operation) =>
      operation === 'DescribeInstanceInformation' && ++pages === 2 ? Object.assign(new Error('Service unavailable'), { name: 'InternalServerError' }) : undefined;

    await expect(monitorOf(aws)()).rejects.toThrow('Service unavailable');
    expect(aws.calls.get('PutMetricData')).toBeUndefined();
    expect(aws.calls.get('DeleteAlarms')).toBeUndefined();
    expect(aws.stateChanges.length).toBe(changesBefore);
    expect([...aws.alarms.values()].every((alarm) => alarm.StateValue === 'ALARM')).toBe(true);
    expect(aws.alarms.size).toBe(120);

    // The next complete read reports the recovery.
    aws.fault = undefined;
    await monitorOf(aws)();
    expect([...aws.alarms.values()].every((alarm) => alarm.StateValue === 'OK')).toBe(true);
  });

  it('leaves alarms it has no time for to the next run', async () => {
    const aws = new SimulatedAws();
    aws.nodes.push(...fleetOf(10));
    let remaining = 30_000;
    const shortOfTime = { getRemainingTimeInMillis: () => (remaining -= 3_000) } as Context;
    const summary = await createMonitor({ ssm: aws.ssm, cloudwatch: aws.cloudwatch, settings })({}, shortOfTime);
    expect(summary.alarmsDeferred).toBeGreaterThan(0);
    expect(aws.alarms.size).toBe(summary.alarmsPut);
    const next = await monitorOf(aws)();
    expect(next.alarmsPut).toBe(summary.alarmsDeferred);
    expect(aws.alarms.size).toBe(10);
  });
});
