import { weeklyReportEnvironment } from '../../contract/weekly-report-environment';
import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { fleetInventoryEnvironment } from '../../contract/fleet-inventory-environment';
import { exampleSettings, resourcesOf, statementsOf, synthStack } from '../helpers/synth';

const prod = synthStack(exampleSettings('prod'));
const reportOf = (synthesized: typeof prod) => resourcesOf(synthesized, 'aws_lambda_function').find((fn) => fn.function_name === 'ssm-agent-ops-prod-weekly-report');
const report = reportOf(prod);
const { variables } = weeklyReportEnvironment;
/** The function's settings as its handler reads them, the values Terraform fills in at apply time replaced by stand-ins. */
function settingsOf(fn: typeof report) {
  const environment: Record<string, string> = fn.environment.variables;
  expect(environment[variables.ssmAgentAssociationId]).toMatch(/^\$\{aws_ssm_association\.agent-updates_ssm-agent_\S+\.association_id\}$/);
  expect(environment[variables.cloudWatchAgentAssociationId]).toMatch(/^\$\{aws_ssm_association\.agent-updates_cloudwatch-agent_\S+\.association_id\}$/);
  expect(environment[variables.topicArn]).toMatch(/^\$\{aws_sns_topic\.alert-topic_\S+\.arn\}$/);
  return weeklyReportEnvironment.decode({
    ...environment,
    [variables.ssmAgentAssociationId]: '8dc7f3b1-1f3a-4c55-9a2e-0e5b7a1c2d01',
    [variables.cloudWatchAgentAssociationId]: '8dc7f3b1-1f3a-4c55-9a2e-0e5b7a1c2d02',
    [variables.topicArn]: 'arn:aws:sns:ap-northeast-1:333333333333:OPE',
  });
}
const statements = statementsOf(resourcesOf(prod, 'aws_iam_role_policy').find((candidate) => candidate.role.includes('weekly-report')).policy);

describe('the weekly report', () => {
  it('runs on Monday at 09:00 JST by default, or on the configured schedule', () => {
    const rule = resourcesOf(prod, 'aws_cloudwatch_event_rule').find((candidate) => candidate.name === 'ssm-agent-ops-prod-weekly-report-schedule');
    expect(rule.schedule_expression).toBe('cron(0 0 ? * MON *)');
    const friday = synthStack(exampleSettings('prod', { weeklyReport: { schedule: 'cron(30 23 ? * THU *)' } }));
    expect(resourcesOf(friday, 'aws_cloudwatch_event_rule').find((candidate) => candidate.name === 'ssm-agent-ops-prod-weekly-report-schedule').schedule_expression).toBe('cron(30 23 ? * THU *)');
    expect(report).toMatchObject({ timeout: 900, memory_size: 1024 });
  });

  it('is retried when it fails, and kept in the dead-letter queue (whose alarm pages) when every attempt fails', () => {
    const invokeConfig = resourcesOf(prod, 'aws_lambda_function_event_invoke_config').find((config) => config.function_name.includes('weekly-report'));
    expect(invokeConfig).toMatchObject({
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 21_600,
      destination_config: { on_failure: { destination: expect.stringMatching(/^\$\{aws_sqs_queue\.notifier_dead-letter-queue_\S+\.arn\}$/) } },
    });
    const target = resourcesOf(prod, 'aws_cloudwatch_event_target').find((candidate) => candidate.rule.includes('weekly-report'));
    expect(target.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\.notifier_dead-letter-queue_\S+\.arn\}$/);
    expect(statements).toContainEqual({ Sid: 'DeadLetterFailedInvocations', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: invokeConfig.destination_config.on_failure.destination });
    const alarm = resourcesOf(prod, 'aws_cloudwatch_metric_alarm').find((candidate) => candidate.alarm_name === 'ssm-agent-ops-prod-weekly-report-errors');
    expect(alarm).toMatchObject({ metric_name: 'Errors', namespace: 'AWS/Lambda', dimensions: { FunctionName: expect.stringContaining('weekly-report') } });
  });

  it('reads the update associations it is given, the registry and the settings the report is written with', () => {
    expect(settingsOf(report)).toEqual({
      topicArn: 'arn:aws:sns:ap-northeast-1:333333333333:OPE',
      displayNameParameter: expect.any(String),
      registryTable: expect.stringMatching(/^\$\{aws_dynamodb_table\.agent-health-monitor_node-registry_\S+\.name\}$/),
      ssmAgentAssociationId: '8dc7f3b1-1f3a-4c55-9a2e-0e5b7a1c2d01',
      cloudWatchAgentAssociationId: '8dc7f3b1-1f3a-4c55-9a2e-0e5b7a1c2d02',
      updateTargetTag: { key: 'ope-type', values: ['auto'] },
      muteTag: { key: 'ssm-agent-ops:mute', value: 'true' },
      startGraceMinutes: 10,
      missingScope: 'update-targets',
      cloudWatchAgentNamespace: 'CWAgent',
      language: 'ja',
      timeZone: 'Asia/Tokyo',
      environmentName: 'prod',
    });
    expect(alertDeliveryEnvironment.decode(report.environment.variables)).toEqual({ chatTopicArn: undefined, unsubscribeContact: expect.any(String) });
    const scoped = synthStack(exampleSettings('prod', { agentMonitor: { scope: 'update-targets', missingScope: 'all-running', startGraceMinutes: 30 }, weeklyReport: { cloudWatchAgentNamespace: 'Custom/Agent' } }));
    expect(settingsOf(reportOf(scoped))).toMatchObject({
      registryScopedToTargets: true,
      missingScope: 'all-running',
      startGraceMinutes: 30,
      cloudWatchAgentNamespace: 'Custom/Agent',
    });
  });

  it('may read only the two update associations, the registry, and what supports no narrower resource', () => {
    const own = statements.filter((statement) => ['ReadUpdateResults', 'ReadManagedNodes', 'ListRecentAgentMetrics', 'ReadNodeRegistry'].includes(statement.Sid));
    expect(own).toEqual([
      { Sid: 'ReadNodeRegistry', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan'], Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.agent-health-monitor_node-registry_\S+\.arn\}$/) },
      {
        Sid: 'ReadUpdateResults',
        Effect: 'Allow',
        Action: ['ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets'],
        Resource: [
          expect.stringMatching(/^arn:aws:ssm:ap-northeast-1:\d{12}:association\/\$\{aws_ssm_association\.agent-updates_ssm-agent_\S+\.association_id\}$/),
          expect.stringMatching(/^arn:aws:ssm:ap-northeast-1:\d{12}:association\/\$\{aws_ssm_association\.agent-updates_cloudwatch-agent_\S+\.association_id\}$/),
        ],
      },
      { Sid: 'ReadManagedNodes', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' },
      { Sid: 'ListRecentAgentMetrics', Effect: 'Allow', Action: 'cloudwatch:ListMetrics', Resource: '*' },
    ]);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    // No write anywhere but the mail topic, the logs and the dead-letter queue.
    expect(actions.filter((action: string) => !/:(Get|BatchGet|Scan|Describe|List)/.test(action)).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sns:Publish', 'sqs:SendMessage']);
    expect(actions).not.toContain('ssm:ListInstanceAssociations');
    expect(actions).not.toContain('ssm:DescribeInstanceAssociationsStatus');
  });

  it('has the fleet inventory record the update target and mute tags for every node', () => {
    const inventory = resourcesOf(prod, 'aws_lambda_function').find((fn) => fn.function_name === 'ssm-agent-ops-prod-fleet-inventory');
    const settings = fleetInventoryEnvironment.decode(inventory.environment.variables);
    expect([settings.updateTargetTag.key, settings.muteTag.key]).toEqual(['ope-type', 'ssm-agent-ops:mute']);
  });
});
