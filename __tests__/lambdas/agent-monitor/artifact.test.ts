import { agentMonitorEnvironment } from '../../../contract/agent-monitor-environment';
import { scheduledEvent } from '../../../fixtures/events';
import { FakeAws } from '../../helpers/fake-aws';
import { invokePackaged, packagedFunction } from '../../helpers/packaged-lambda';

// aws-sdk-client-mock replaces `send` and so skips the SDK's retries. This test runs the packaged
// monitor, with the SDK and retry settings it is deployed with, against the wire-level fake: every
// call goes through the SDK's middleware and its HTTP layer, as in Lambda.
describe('the packaged agent monitor', () => {
  const monitor = packagedFunction('-agent-monitor');

  it('is deployed with the handler and settings the stack gives it', () => {
    expect(monitor.handler).toBe('index.handler');
    expect(agentMonitorEnvironment.decode(monitor.environment)).toMatchObject({ namespace: 'SSMAgentOps/prod', alarmNamePrefix: 'ssm-agent-ops-prod-agent-' });
  });

  it('survives throttled pages through the SDK retries and still reads every node', async () => {
    const nodes = Array.from({ length: 120 }, (_, index) => ({ InstanceId: `i-${String(index + 1).padStart(17, '0')}`, PingStatus: 'Online' }));
    let describeCalls = 0;
    const fake = new FakeAws(
      {
        DescribeInstanceInformation: ({ NextToken, MaxResults }) => {
          describeCalls += 1;
          if (describeCalls % 2 === 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          const start = Number(NextToken ?? 0);
          const end = start + MaxResults;
          return { InstanceInformationList: nodes.slice(start, end), NextToken: end < nodes.length ? String(end) : undefined };
        },
      },
      {},
      {
        DescribeAlarms: () => ({ MetricAlarms: [] }),
        PutMetricData: () => ({}),
        PutMetricAlarm: () => ({}),
      },
    );
    const endpoint = await fake.start();
    try {
      const [result] = await invokePackaged(monitor, endpoint, [scheduledEvent()]);
      expect(result).toMatchObject({ ok: true, result: { nodes: 120 } });
      expect(describeCalls).toBe(5);
      expect(fake.calls.filter((call) => call.operation === 'CloudWatch.PutMetricAlarm')).toHaveLength(120);
    } finally {
      await fake.stop();
    }
  });
});
