import { agentWatchEnvironment } from '../../contract/agent-watch-environment';
import { fleetInventoryEnvironment } from '../../contract/fleet-inventory-environment';
import { matchesEventPattern } from '../helpers/event-pattern';
import { agentAlarmEvent } from '../../fixtures/events';
import { exampleSettings, onlyResource, resourcesOf, statementsOf, synthStack } from '../helpers/synth';

const prod = synthStack(exampleSettings('prod'));
const functionNamed = (synthesized: typeof prod, name: string) => resourcesOf(synthesized, 'aws_lambda_function').find((fn) => fn.function_name === name);
const watch = functionNamed(prod, 'ssm-agent-ops-prod-agent-watch');
const inventory = functionNamed(prod, 'ssm-agent-ops-prod-fleet-inventory');
const rules = resourcesOf(prod, 'aws_cloudwatch_event_rule');
const ruleNamed = (name: string) => rules.find((rule) => rule.name === name);
const alarmNamed = (synthesized: typeof prod, name: string) => resourcesOf(synthesized, 'aws_cloudwatch_metric_alarm').find((alarm) => alarm.alarm_name === name);
const policyOf = (synthesized: typeof prod, roleFragment: string) =>
  statementsOf(resourcesOf(synthesized, 'aws_iam_role_policy').find((candidate) => candidate.role.includes(roleFragment)).policy).slice(1);

describe('agent health monitor', () => {
  it('runs the watch every minute and the inventory every 15 minutes, each ending within half its timeout, without retries', () => {
    expect(ruleNamed('ssm-agent-ops-prod-agent-watch-schedule').schedule_expression).toBe('rate(1 minute)');
    expect(ruleNamed('ssm-agent-ops-prod-fleet-inventory-schedule').schedule_expression).toBe('rate(15 minutes)');
    expect(watch).toMatchObject({ timeout: 55, memory_size: 512 });
    expect(inventory).toMatchObject({ timeout: 900, memory_size: 1024 });
    // No reserved concurrency: accounts at the default of 10 concurrent executions refuse any
    // reservation; the inventory's runs never overlap thanks to its lease instead.
    expect(watch.reserved_concurrent_executions).toBeUndefined();
    expect(inventory.reserved_concurrent_executions).toBeUndefined();
    const invokeConfigs = resourcesOf(prod, 'aws_lambda_function_event_invoke_config').filter((config) => config.function_name.includes('agent-health-monitor'));
    expect(invokeConfigs.map((config) => [config.maximum_retry_attempts, config.maximum_event_age_in_seconds]).sort()).toEqual([
      [0, 60],
      [0, 900],
    ]);
    const permissions = resourcesOf(prod, 'aws_lambda_permission').filter(
      (candidate) => candidate.statement_id === 'AllowSchedule' && candidate.function_name.includes('agent-health-monitor'),
    );
    expect(permissions.map((permission) => permission.source_arn).sort()).toEqual([
      expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.agent-health-monitor_inventory-schedule_rule_\S+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.agent-health-monitor_watch-schedule_rule_\S+\.arn\}$/),
    ]);
  });

  it('gives both functions the names and settings they read, and the inventory the scope when scoped', () => {
    // Read back as the handlers read them: what the stack sets is what the functions understand.
    const quieting = { muteTag: { key: 'ssm-agent-ops:mute', value: 'true' }, startGraceMinutes: 10, storm: { threshold: 10, windowMinutes: 5 }, notifierFunction: 'arn:aws:lambda:ap-northeast-1:333333333333:function:ssm-agent-ops-prod-notifier' };
    expect(agentWatchEnvironment.decode(watch.environment.variables)).toEqual({
      namespace: 'SSMAgentOps/prod',
      alarmNamePrefix: 'ssm-agent-ops-prod-agent-',
      registryTable: expect.stringMatching(/^\$\{aws_dynamodb_table\.agent-health-monitor_node-registry_\S+\.name\}$/),
      notesTable: 'ssm-agent-ops-prod-alert-notes',
      ...quieting,
    });
    expect(fleetInventoryEnvironment.decode(inventory.environment.variables)).toMatchObject({
      inventoryMinutes: 15,
      sweepMinutes: 120,
      alarmWritesPerSecond: 3,
      ...quieting,
      updateTargetTag: { key: 'ope-type', values: ['auto'] },
      missingScope: 'update-targets',
    });
    const quiet = synthStack(exampleSettings('prod', { agentMonitor: { muteTag: { key: 'maintenance', value: 'yes' }, startGraceMinutes: 20, missingScope: 'off', storm: { threshold: 40, windowMinutes: 10 } } }));
    expect(agentWatchEnvironment.decode(functionNamed(quiet, 'ssm-agent-ops-prod-agent-watch').environment.variables)).toMatchObject({
      muteTag: { key: 'maintenance', value: 'yes' },
      startGraceMinutes: 20,
      storm: { threshold: 40, windowMinutes: 10 },
    });
    expect(fleetInventoryEnvironment.decode(functionNamed(quiet, 'ssm-agent-ops-prod-fleet-inventory').environment.variables)).toMatchObject({ missingScope: 'off', startGraceMinutes: 20 });
    const scoped = synthStack(exampleSettings('prod', { agentMonitor: { scope: 'update-targets', inventoryMinutes: 10, sweepMinutes: 120, alarmWritesPerSecond: 8 } }));
    const scopedInventory = fleetInventoryEnvironment.decode(functionNamed(scoped, 'ssm-agent-ops-prod-fleet-inventory').environment.variables);
    expect(scopedInventory).toMatchObject({ scopeTag: { key: 'ope-type', values: ['auto'] }, inventoryMinutes: 10, sweepMinutes: 120, alarmWritesPerSecond: 8 });
    expect(resourcesOf(scoped, 'aws_cloudwatch_event_rule').find((rule) => rule.name === 'ssm-agent-ops-prod-fleet-inventory-schedule').schedule_expression).toBe('rate(10 minutes)');
  });

  it('keeps the node registry in an on-demand, encrypted table keyed by instance ID', () => {
    const table = resourcesOf(prod, 'aws_dynamodb_table').find((candidate) => candidate.name === 'ssm-agent-ops-prod-node-registry');
    expect(table).toMatchObject({ billing_mode: 'PAY_PER_REQUEST', hash_key: 'id', attribute: [{ name: 'id', type: 'S' }], server_side_encryption: { enabled: true } });
  });

  it('lets the watch read nodes, alarms, instances and the registry, keep its notes, publish only to its namespace and invoke only the notifier', () => {
    const notes = /^\$\{aws_dynamodb_table\.agent-health-monitor_alert-notes_\S+\.arn\}/;
    expect(policyOf(prod, 'agent-health-monitor_watch')).toEqual([
      { Sid: 'ReadManagedNodes', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' },
      { Sid: 'ReadAlarms', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
      // DescribeInstances supports no resource-level permissions.
      { Sid: 'ReadInstances', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
      { Sid: 'PublishOwnMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'SSMAgentOps/prod' } } },
      { Sid: 'HandMailsToNotifier', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:ap-northeast-1:333333333333:function:ssm-agent-ops-prod-notifier' },
      { Sid: 'ReadNodeRegistry', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan'], Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.agent-health-monitor_node-registry_\S+\.arn\}$/) },
      { Sid: 'KeepAlertNotes', Effect: 'Allow', Action: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'], Resource: expect.stringMatching(notes) },
      { Sid: 'ReadDigestNotes', Effect: 'Allow', Action: 'dynamodb:Query', Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.agent-health-monitor_alert-notes_\S+\.arn\}\/index\/by-digest$/) },
    ]);
    expect(policyOf(prod, 'notifier_function').find((statement) => statement.Sid === 'ReadAlertNotes')).toEqual({ Sid: 'ReadAlertNotes', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: expect.stringMatching(notes) });
  });

  it('keeps the alert notes in an on-demand, encrypted table that forgets them, indexed by digest', () => {
    const table = resourcesOf(prod, 'aws_dynamodb_table').find((candidate) => candidate.name === 'ssm-agent-ops-prod-alert-notes');
    expect(table).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'id',
      ttl: { attribute_name: 'expiresAt', enabled: true },
      global_secondary_index: [{ name: 'by-digest', hash_key: 'digestId', projection_type: 'ALL' }],
      server_side_encryption: { enabled: true },
    });
  });

  it('lets the inventory write only its own alarms, invoke only itself, and read hybrid node tags only when scoped', () => {
    const common = (tags: object[]) => [
      { Sid: 'ReadManagedNodes', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' },
      { Sid: 'ReadInstances', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
      ...tags,
      { Sid: 'ReadAlarms', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
      {
        Sid: 'ManageOwnAgentAlarms',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
        Resource: 'arn:aws:cloudwatch:ap-northeast-1:333333333333:alarm:ssm-agent-ops-prod-agent-*',
      },
      { Sid: 'PublishOwnMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'SSMAgentOps/prod' } } },
      { Sid: 'ContinueOwnRun', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:ap-northeast-1:333333333333:function:ssm-agent-ops-prod-fleet-inventory' },
      { Sid: 'HandMailsToNotifier', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:ap-northeast-1:333333333333:function:ssm-agent-ops-prod-notifier' },
      {
        Sid: 'KeepNodeRegistry',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.agent-health-monitor_node-registry_\S+\.arn\}$/),
      },
    ];
    expect(policyOf(prod, 'agent-health-monitor_inventory')).toEqual(common([]));
    const scoped = synthStack(exampleSettings('prod', { agentMonitor: { scope: 'update-targets' } }));
    expect(policyOf(scoped, 'agent-health-monitor_inventory')).toEqual(
      common([{ Sid: 'ReadHybridNodeTags', Effect: 'Allow', Action: 'ssm:ListTagsForResource', Resource: 'arn:aws:ssm:ap-northeast-1:333333333333:managed-instance/*' }]),
    );
    const china = synthStack(exampleSettings('prod', { region: 'cn-north-1' }));
    expect(policyOf(china, 'agent-health-monitor_inventory').find((statement) => statement.Sid === 'ContinueOwnRun').Resource).toBe('arn:aws-cn:lambda:cn-north-1:333333333333:function:ssm-agent-ops-prod-fleet-inventory');
  });

  describe('agent alarm rule', () => {
    const pattern = JSON.parse(ruleNamed('ssm-agent-ops-prod-agent-alarm-state').event_pattern);

    it('sends ALARM and the recovery from ALARM to the notifier, and keeps its Terraform address', () => {
      expect(matchesEventPattern(pattern, agentAlarmEvent('ALARM'))).toBe(true);
      expect(matchesEventPattern(pattern, agentAlarmEvent('OK'))).toBe(true);
      const target = resourcesOf(prod, 'aws_cloudwatch_event_target').find((candidate) => candidate.rule.includes('agent-health-monitor_alarm-state'));
      expect(target.arn).toMatch(/^\$\{aws_lambda_function\.notifier_function_\S+\.arn\}$/);
      expect(target.dead_letter_config).toBeDefined();
      expect(Object.keys(prod.resource.aws_cloudwatch_event_rule!)).toContain('agent-health-monitor_alarm-state_064A6A31');
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

  describe('self-monitoring', () => {
    it('raises the watch heartbeat alarm within 5 minutes of the watch stopping, treating silence as failure', () => {
      const heartbeat = alarmNamed(prod, 'ssm-agent-ops-prod-agent-watch-heartbeat');
      expect(heartbeat).toEqual(
        expect.objectContaining({
          namespace: 'SSMAgentOps/prod',
          metric_name: 'WatchRuns',
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

    it('raises the inventory heartbeat alarm after three inventory periods without a completed run', () => {
      expect(alarmNamed(prod, 'ssm-agent-ops-prod-fleet-inventory-heartbeat')).toEqual(
        expect.objectContaining({ metric_name: 'InventoryRuns', period: 900, evaluation_periods: 3, datapoints_to_alarm: 3, comparison_operator: 'LessThanThreshold', treat_missing_data: 'breaching' }),
      );
    });

    it.each([
      ['PutMetricAlarm', 'ssm-agent-ops-prod-agent-alarm-creates-refused'],
      ['DeleteAlarms', 'ssm-agent-ops-prod-agent-alarm-deletes-refused'],
    ])('pages within minutes of a refused %s, holds through the next inventory run, and ignores throttling', (operation, name) => {
      const alarm = alarmNamed(prod, name);
      expect(alarm).toEqual(
        expect.objectContaining({
          metric_name: 'AlarmWriteErrors',
          dimensions: { Operation: operation },
          statistic: 'Sum',
          period: 300,
          datapoints_to_alarm: 1,
          threshold: 1,
          comparison_operator: 'GreaterThanOrEqualToThreshold',
          treat_missing_data: 'notBreaching',
        }),
      );
      // The window outlasts one inventory period, so a write refused at every run keeps the alarm in ALARM.
      expect(alarm.period * alarm.evaluation_periods).toBeGreaterThan(15 * 60);
      // A refusal of one run reaches the alarm's first period: it pages well within 15 minutes.
      expect(alarm.period).toBeLessThanOrEqual(15 * 60);
    });

    it('watches both functions for errors', () => {
      expect(alarmNamed(prod, 'ssm-agent-ops-prod-agent-watch-errors').dimensions).toEqual({ FunctionName: expect.stringContaining('agent-health-monitor_watch') });
      expect(alarmNamed(prod, 'ssm-agent-ops-prod-fleet-inventory-errors').dimensions).toEqual({ FunctionName: expect.stringContaining('agent-health-monitor_inventory') });
    });
  });

  it('has a dashboard of ping statuses over time, failures, runs, alarm writes and Lambda health', () => {
    const dashboard = onlyResource(prod, 'aws_cloudwatch_dashboard');
    expect(dashboard.dashboard_name).toBe('ssm-agent-ops-prod');
    const widgets = JSON.parse(dashboard.dashboard_body).widgets;
    expect(widgets.map((widget: any) => widget.properties.title)).toEqual([
      'Managed nodes by ping status',
      'Failed runs reported, and mails sent',
      'Lambda errors and throttles',
      'Agent watch and fleet inventory runs, and undelivered alerts',
      'Lambda duration (p99)',
      'Alert addresses with a confirmed subscription (of 2)',
      'Node alarm writes: pending, left for later, refused',
      'Nodes stopped, muted, and instances missing from Systems Manager',
    ]);
    expect(widgets[7].properties.metrics.map((metric: any[]) => metric.slice(1, 4))).toEqual([
      ['FleetConditions', 'Condition', 'Stopped'],
      ['FleetConditions', 'Condition', 'Muted'],
      ['FleetConditions', 'Condition', 'Missing'],
    ]);
    expect(widgets[0].properties.metrics.map((metric: any[]) => metric.slice(0, 4))).toEqual([
      ['SSMAgentOps/prod', 'ManagedNodes', 'PingStatus', 'Online'],
      ['SSMAgentOps/prod', 'ManagedNodes', 'PingStatus', 'ConnectionLost'],
      ['SSMAgentOps/prod', 'ManagedNodes', 'PingStatus', 'Inactive'],
      ['SSMAgentOps/prod', 'ManagedNodes', 'PingStatus', 'Other'],
    ]);
    expect(widgets[6].properties.metrics.map((metric: any[]) => metric.slice(1, 4))).toEqual([
      ['AlarmWritesPending', 'Operation', 'PutMetricAlarm'],
      ['AlarmWritesDeferred', 'Operation', 'PutMetricAlarm'],
      ['AlarmWriteErrors', 'Operation', 'PutMetricAlarm'],
      ['AlarmWritesPending', 'Operation', 'DeleteAlarms'],
      ['AlarmWritesDeferred', 'Operation', 'DeleteAlarms'],
      ['AlarmWriteErrors', 'Operation', 'DeleteAlarms'],
    ]);
    for (const widget of widgets) expect(widget.properties.region).toBe('ap-northeast-1');
  });
});
