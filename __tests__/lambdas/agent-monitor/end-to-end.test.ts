import type { Context } from 'aws-lambda';
import { agentMonitorEnvironment } from '../../../contract/agent-monitor-environment';
import { createMonitor } from '../../../lambdas/agent-monitor/monitor';
import { matchesEventPattern } from '../../helpers/event-pattern';
import { FLEET } from '../../../fixtures/events';
import { SimulatedAws } from '../../../fixtures/simulated-aws';
import { exampleSettings, resourcesOf, synthStack } from '../../helpers/synth';
import { notifierHarness } from '../notifier/harness';

const prod = synthStack(exampleSettings('prod'));
const alarmRule = JSON.parse(resourcesOf(prod, 'aws_cloudwatch_event_rule').find((rule) => rule.name === 'ssm-agent-ops-prod-agent-alarm-state').event_pattern);
const monitorSettings = agentMonitorEnvironment.decode(
  resourcesOf(prod, 'aws_lambda_function').find((fn) => fn.function_name === 'ssm-agent-ops-prod-agent-monitor').environment.variables,
);

describe('a node that loses its connection and comes back', () => {
  it('gives one ALARM mail and one OK mail in Japanese, through the deployed rule and the notifier', async () => {
    const aws = new SimulatedAws({ account: FLEET.account, region: FLEET.region });
    aws.nodes.push({ instanceId: FLEET.webInstanceId, pingStatus: 'Online' }, { instanceId: FLEET.windowsInstanceId, pingStatus: 'Online' });
    const monitor = createMonitor({
      ssm: aws.ssm,
      cloudwatch: aws.cloudwatch,
      settings: monitorSettings,
    });
    const notifier = notifierHarness();
    const minute = async () => {
      const before = aws.stateChanges.length;
      await monitor({}, { getRemainingTimeInMillis: () => 55_000 } as Context);
      for (const change of aws.stateChanges.slice(before)) if (matchesEventPattern(alarmRule, change)) await notifier.handler(change);
    };

    await minute();
    await minute();
    aws.nodes[1]!.pingStatus = 'ConnectionLost';
    await minute();
    await minute();
    await minute();
    aws.nodes[1]!.pingStatus = 'Online';
    await minute();
    await minute();

    expect(notifier.mails().map((mail) => mail.Subject)).toEqual([
      '【SSM 接続断】本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)',
      '【SSM 接続回復】本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)',
    ]);
    expect(notifier.mails()[0]!.Message).toContain('SSM Agent と通信できなくなりました');
    expect(notifier.mails()[1]!.Message).toContain('SSM Agent と再び通信できるようになりました');
  });
});
