import { agentMonitorEnvironment } from '../../contract/agent-monitor-environment';
import { matchesEventPattern } from '../helpers/event-pattern';
import { agentAlarmEvent } from '../../fixtures/events';
import { exampleSettings, onlyResource, resourcesOf, statementsOf, synthStack } from '../helpers/synth';

const prod = synthStack(exampleSettings('prod'));
const monitor = resourcesOf(prod, 'aws_lambda_function').find((fn) => fn.function_name === 'ssm-agent-ops-prod-agent-monitor');
const rules = resourcesOf(prod, 'aws_cloudwatch_event_rule');
const ruleNamed = (name: string) => rules.find((rule) => rule.name === name);

describe('agent health monitor', () => {
  it('runs every minute, finishing well inside the minute, without retries', () => {
    expect(ruleNamed('ssm-agent-ops-prod-agent-monitor-schedule').schedule_expression).toBe('rate(1 minute)');
    expect(monitor.timeout).toBe(55);
    const invokeConfig = resourcesOf(prod, 'aws_lambda_function_event_invoke_config').find((config) => config.function_name.includes('agent-health-monitor'));
    expect(invokeConfig).toEqual(expect.objectContaining({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 60 }));
    const permission = resourcesOf(prod, 'aws_lambda_permission').find((candidate) => candidate.statement_id === 'AllowSchedule');
    expect(permission.source_arn).toMatch(/^\$\{aws_cloudwatch_event_rule\.agent-health-monitor_schedule_\S+\.arn\}$/);
  });

  it('watches every managed node by default, and only the update targets when scoped', () => {
    // Read back as the handler reads it: what the stack sets is what the function understands.
    expect(agentMonitorEnvironment.decode(monitor.environment.variables)).toEqual({
      namespace: 'SSMAgentOps/prod',
      alarmNamePrefix: 'ssm-agent-ops-prod-agent-',
    });
    expect(Object.keys(monitor.environment.variables).sort()).toEqual(
      agentMonitorEnvironment.variableNames.filter((name) => name in monitor.environment.variables).sort(),
    );
    const scoped = synthStack(exampleSettings('prod', { agentMonitor: { scope: 'update-targets' } }));
    const scopedMonitor = resourcesOf(scoped, 'aws_lambda_function').find((fn) => fn.function_name.endsWith('agent-monitor'));
    expect(agentMonitorEnvironment.decode(scopedMonitor.environment.variables).scopeTag).toEqual({ key: 'ope-type', values: ['auto'] });
  });

  it('may publish only to its namespace and write only its own alarms', () => {
    const policy = resourcesOf(prod, 'aws_iam_role_policy').find((candidate) => candidate.role.includes('agent-health-monitor'));
    expect(statementsOf(policy.policy).slice(1)).toEqual([
      { Sid: 'ReadManagedNodes', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' },
      {
        Sid: 'PublishOwnMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'SSMAgentOps/prod' } },
      },
      { Sid: 'ReadAlarms', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
      {
        Sid: 'ManageOwnAgentAlarms',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
        Resource: 'arn:aws:cloudwatch:ap-northeast-1:333333333333:alarm:ssm-agent-ops-prod-agent-*',
      },
    ]);
  });

  describe('agent alarm rule', () => {
    const pattern = JSON.parse(ruleNamed('ssm-agent-ops-prod-agent-alarm-state').event_pattern);

    it('sends ALARM and the recovery from ALARM to the notifier', () => {
      expect(matchesEventPattern(pattern, agentAlarmEvent('ALARM'))).toBe(true);
      expect(matchesEventPattern(pattern, agentAlarmEvent('OK'))).toBe(true);
      const target = resourcesOf(prod, 'aws_cloudwatch_event_target').find((candidate) => candidate.rule.includes('agent-health-monitor_alarm-state'));
      expect(target.arn).toMatch(/^\$\{aws_lambda_function\.notifier_function_\S+\.arn\}$/);
      expect(target.dead_letter_config).toBeDefined();
    });

    it("ignores a new alarm's first OK, other alarms, and other environments' agent alarms", () => {
      const firstOk = agentAlarmEvent('OK');
      firstOk.detail.previousState.value = 'INSUFFICIENT_DATA';
      const otherEnvironment = agentAlarmEvent('ALARM');
      otherEnvironment.detail.alarmName = 'ssm-agent-ops-dev-agent-i-0c90ceacf4b0ea3e5';
      const otherAlarm = agentAlarmEvent('ALARM');
      otherAlarm.detail.alarmName = 'web-01-cpu-high';
      otherAlarm.resources = ['arn:aws:cloudwatch:ap-northeast-1:333333333333:alarm:web-01-cpu-high'];
      expect(matchesEventPattern(pattern, firstOk)).toBe(false);
      expect(matchesEventPattern(pattern, otherAlarm)).toBe(false);
      expect(matchesEventPattern(pattern, otherEnvironment)).toBe(false);
    });
  });

  it('raises the heartbeat alarm within 5 minutes of the monitor stopping, treating silence as failure', () => {
    const heartbeat = resourcesOf(prod, 'aws_cloudwatch_metric_alarm').find((alarm) => alarm.alarm_name === 'ssm-agent-ops-prod-monitor-heartbeat');
    expect(heartbeat).toEqual(
      expect.objectContaining({
        namespace: 'SSMAgentOps/prod',
        metric_name: 'MonitorRuns',
        statistic: 'Sum',
        period: 60,
        evaluation_periods: 3,
        datapoints_to_alarm: 3,
        threshold: 1,
        comparison_operator: 'LessThanThreshold',
        treat_missing_data: 'breaching',
        alarm_actions: [expect.stringMatching(/^\$\{aws_sns_topic\.\S+\.arn\}$/)],
      }),
    );
    expect(heartbeat.period * heartbeat.evaluation_periods).toBeLessThan(5 * 60);
  });

  it('has a dashboard of ping statuses over time, failures and Lambda health', () => {
    const dashboard = onlyResource(prod, 'aws_cloudwatch_dashboard');
    expect(dashboard.dashboard_name).toBe('ssm-agent-ops-prod');
    const widgets = JSON.parse(dashboard.dashboard_body).widgets;
    expect(widgets.map((widget: any) => widget.properties.title)).toEqual([
      'Managed nodes by ping status',
      'Failed runs reported, and mails sent',
      'Lambda errors and throttles',
      'Monitor heartbeat and undelivered alerts',
      'Lambda duration (p99)',
      'Alert addresses with a confirmed subscription (of 2)',
    ]);
    expect(widgets[0].properties.metrics.map((metric: any[]) => metric.slice(0, 4))).toEqual([
      ['SSMAgentOps/prod', 'ManagedNodes', 'PingStatus', 'Online'],
      ['SSMAgentOps/prod', 'ManagedNodes', 'PingStatus', 'ConnectionLost'],
      ['SSMAgentOps/prod', 'ManagedNodes', 'PingStatus', 'Inactive'],
      ['SSMAgentOps/prod', 'ManagedNodes', 'PingStatus', 'Other'],
    ]);
    for (const widget of widgets) expect(widget.properties.region).toBe('ap-northeast-1');
  });
});
