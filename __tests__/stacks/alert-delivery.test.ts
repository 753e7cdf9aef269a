import type { EnvironmentInput } from '../../config/schema';
import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { exampleSettings, onlyResource, resourcesOf, statementsOf, synthStack, type Synthesized } from '../helpers/synth';

const stg = synthStack(exampleSettings('stg'));
const teamsChat: EnvironmentInput['chat'] & { channel: 'teams' } = {
  channel: 'teams',
  teamId: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
  channelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
  tenantId: 'f0e1d2c3-b4a5-9687-7869-5a4b3c2d1e0f',
  configurationRegion: 'us-west-2',
  guardrailPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
};

function roleStatements(synthesized: Synthesized, roleNamePart: string): any[] {
  return statementsOf(resourcesOf(synthesized, 'aws_iam_role_policy').find((policy) => policy.role.includes(roleNamePart)).policy);
}

/** The Terraform reference to the only topic whose name is `name`. */
function topicReference(synthesized: Synthesized, name: string): string {
  const [address] = Object.entries(synthesized.resource.aws_sns_topic!).find(([, topic]) => topic.name === name)!;
  return `\${aws_sns_topic.${address}.arn}`;
}

describe('chat delivery', () => {
  const mailTopic = topicReference(stg, 'OPE-stg');
  const chatTopic = topicReference(stg, 'ssm-agent-ops-stg-chat');

  it('creates the Slack channel configuration through a provider for a Region serving the configuration API', () => {
    expect(stg.provider.aws).toEqual([
      expect.objectContaining({ region: 'ap-northeast-1' }),
      {
        alias: 'chat',
        region: 'ap-southeast-1',
        allowed_account_ids: ['222222222222'],
        default_tags: [{ tags: { Project: 'ssm-agent-ops', ManagedBy: 'cdktf', Environment: 'stg' } }],
      },
    ]);
    expect(onlyResource(stg, 'aws_chatbot_slack_channel_configuration')).toEqual({
      provider: 'aws.chat',
      configuration_name: 'ssm-agent-ops-stg-chat',
      slack_team_id: 'T0EXAMPLE01',
      slack_channel_id: 'C0EXAMPLE01',
      sns_topic_arns: [chatTopic],
      iam_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.chat-channel_role_\w+\.arn\}$/),
      guardrail_policy_arns: ['arn:aws:iam::aws:policy/AWSDenyAll'],
      logging_level: 'ERROR',
      user_authorization_required: true,
    });
    expect(stg.output.chat_configuration_arn.value).toMatch(/chatbot_slack_channel_configuration\..+\.chat_configuration_arn/);
  });

  it('gives the channel a role only the chat service may assume, with no permissions at all', () => {
    const role = resourcesOf(stg, 'aws_iam_role').find((candidate) => candidate.name === 'ssm-agent-ops-stg-chat-channel');
    expect(statementsOf(role.assume_role_policy)).toEqual([{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(role.managed_policy_arns).toBeUndefined();
    expect(resourcesOf(stg, 'aws_iam_role_policy').filter((policy) => policy.role.includes('chat-channel'))).toEqual([]);
    expect(stg.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it('configures Microsoft Teams, and the Region and guardrails given', () => {
    const teams = synthStack(exampleSettings('stg', { chat: teamsChat }));
    expect(teams.provider.aws![1]).toEqual(expect.objectContaining({ alias: 'chat', region: 'us-west-2' }));
    expect(teams.resource.aws_chatbot_slack_channel_configuration).toBeUndefined();
    expect(onlyResource(teams, 'aws_chatbot_teams_channel_configuration')).toEqual(
      expect.objectContaining({
        provider: 'aws.chat',
        team_id: teamsChat.teamId,
        channel_id: teamsChat.channelId,
        tenant_id: teamsChat.tenantId,
        guardrail_policy_arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        user_authorization_required: true,
      }),
    );
  });

  it('puts the chat topic under the alert topic’s key, publishable by the product’s own alarms and granted functions only', () => {
    const chat = resourcesOf(stg, 'aws_sns_topic').find((topic) => topic.name === 'ssm-agent-ops-stg-chat');
    const mail = resourcesOf(stg, 'aws_sns_topic').find((topic) => topic.name === 'OPE-stg');
    expect(chat.kms_master_key_id).toBe(mail.kms_master_key_id);
    const policy = resourcesOf(stg, 'aws_sns_topic_policy').find((candidate) => candidate.arn === chatTopic);
    expect(statementsOf(policy.policy).map((statement) => [statement.Sid, statement.Principal])).toEqual([
      ['AccountManagesTopicThroughIam', { AWS: 'arn:aws:iam::222222222222:root' }],
      ['OwnAlarmsPublish', { Service: 'cloudwatch.amazonaws.com' }],
    ]);
    expect(statementsOf(policy.policy)[1].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '222222222222' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:ap-northeast-1:222222222222:alarm:ssm-agent-ops-stg-*' },
    });
    // SNS decrypts before it delivers to the chat service's HTTPS endpoint: the key admits no chat principal.
    const key = onlyResource(stg, 'aws_kms_key');
    expect(JSON.stringify(statementsOf(key.policy))).not.toContain('chatbot');
  });

  it('lets the notifier and the subscription check publish to both topics and tells them where chat goes', () => {
    for (const role of ['notifier_function', 'subscription-check_function']) {
      expect(roleStatements(stg, role).find((statement) => statement.Sid === 'PublishAlerts')).toEqual({
        Sid: 'PublishAlerts',
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: [mailTopic, chatTopic],
      });
    }
    const publishers = ['-notifier', '-subscription-check'];
    for (const fn of resourcesOf(stg, 'aws_lambda_function').filter((candidate) => publishers.some((suffix) => candidate.function_name.endsWith(suffix)))) {
      expect(fn.environment.variables[alertDeliveryEnvironment.variables.chatTopicArn]).toBe(chatTopic);
    }
  });

  it('sends every self-monitoring alarm to chat too, in CloudWatch’s own format, and alarms on failed chat deliveries', () => {
    const alarms = resourcesOf(stg, 'aws_cloudwatch_metric_alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(7);
    for (const alarm of alarms) {
      expect(alarm.alarm_actions).toEqual([mailTopic, chatTopic]);
      expect(alarm.ok_actions).toEqual([mailTopic, chatTopic]);
    }
    expect(alarms.find((alarm) => alarm.alarm_name === 'ssm-agent-ops-stg-chat-delivery-failures')).toEqual(
      expect.objectContaining({ namespace: 'SSMAgentOps/stg', metric_name: 'ChatDeliveryFailures', statistic: 'Sum', threshold: 1 }),
    );
    const filters = resourcesOf(stg, 'aws_cloudwatch_log_metric_filter');
    expect(filters.map((filter) => filter.log_group_name).sort()).toEqual([
      expect.stringContaining('notifier_function_log-group'),
      expect.stringContaining('subscription-check_function_log-group'),
      expect.stringContaining('weekly-report_function_log-group'),
    ]);
    for (const filter of filters) {
      expect(filter.pattern).toBe('{ $.chatDelivery = "failed" }');
      expect(filter.metric_transformation).toEqual({ name: 'ChatDeliveryFailures', namespace: 'SSMAgentOps/stg', value: '1' });
    }
  });

  it('creates only the chat topic and its output for a configuration made elsewhere', () => {
    const dev = synthStack(exampleSettings('dev'));
    expect(dev.provider.aws).toHaveLength(1);
    expect(Object.keys(dev.resource).filter((type) => type.startsWith('aws_chatbot'))).toEqual([]);
    expect(dev.output.chat_topic_arn.value).toBe(topicReference(dev, 'ssm-agent-ops-dev-chat'));
    expect(dev.output.chat_configuration_arn).toBeUndefined();
  });

  it('adds nothing for chat when chat is not configured', () => {
    const prod = synthStack(exampleSettings('prod'));
    expect(resourcesOf(prod, 'aws_sns_topic').map((topic) => topic.name)).toEqual(['OPE']);
    expect(prod.output.chat_topic_arn).toBeUndefined();
    expect(prod.resource.aws_cloudwatch_log_metric_filter).toBeUndefined();
    for (const alarm of resourcesOf(prod, 'aws_cloudwatch_metric_alarm')) expect(alarm.alarm_actions).toEqual([topicReference(prod, 'OPE')]);
    for (const fn of resourcesOf(prod, 'aws_lambda_function')) expect(fn.environment.variables[alertDeliveryEnvironment.variables.chatTopicArn]).toBeUndefined();
    expect(roleStatements(prod, 'notifier_function').find((statement) => statement.Sid === 'PublishAlerts').Resource).toBe(topicReference(prod, 'OPE'));
  });
});

describe('the subscription check', () => {
  const prod = synthStack(exampleSettings('prod'));
  const fn = resourcesOf(prod, 'aws_lambda_function').find((candidate) => candidate.function_name === 'ssm-agent-ops-prod-subscription-check');
  const mailTopic = topicReference(prod, 'OPE');

  it('runs one at a time, every day at 09:00 JST, retried twice when it fails', () => {
    expect(fn.reserved_concurrent_executions).toBe(1);
    expect(resourcesOf(prod, 'aws_cloudwatch_event_rule').find((rule) => rule.name === 'ssm-agent-ops-prod-subscription-check-schedule').schedule_expression).toBe(
      'cron(0 0 * * ? *)',
    );
    expect(resourcesOf(prod, 'aws_lambda_function_event_invoke_config').find((config) => config.function_name.includes('subscription-check'))).toEqual(
      expect.objectContaining({ maximum_retry_attempts: 2 }),
    );
  });

  it('may list the alert topic’s subscriptions and nothing else of SNS but publishing, each action on the narrowest resource', () => {
    const table = Object.keys(prod.resource.aws_dynamodb_table!).find((address) => address.startsWith('subscription-check_state'));
    expect(roleStatements(prod, 'subscription-check_function').map(({ Sid, Action, Resource, Condition }) => ({ Sid, Action, Resource, Condition }))).toEqual([
      { Sid: 'WriteOwnLogs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: expect.stringContaining('subscription-check_function_log-group'), Condition: undefined },
      { Sid: 'PublishAlerts', Action: 'sns:Publish', Resource: mailTopic, Condition: undefined },
      {
        Sid: 'EncryptAlertsForTheTopic',
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: expect.stringMatching(/^\$\{aws_kms_key\./),
        Condition: { StringEquals: { 'kms:ViaService': 'sns.ap-northeast-1.amazonaws.com' } },
      },
      { Sid: 'ReadAccountDisplayName', Action: 'ssm:GetParameter', Resource: expect.stringContaining(':parameter/'), Condition: undefined },
      { Sid: 'ListAlertSubscriptions', Action: 'sns:ListSubscriptionsByTopic', Resource: mailTopic, Condition: undefined },
      { Sid: 'RememberReportedLosses', Action: ['dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: `\${aws_dynamodb_table.${table}.arn}`, Condition: undefined },
      { Sid: 'PublishOwnMetrics', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'SSMAgentOps/prod' } } },
    ]);
  });

  it('remembers reported losses in a table keyed by address', () => {
    const table = resourcesOf(prod, 'aws_dynamodb_table').find((candidate) => candidate.name === 'ssm-agent-ops-prod-subscription-state');
    expect(table).toEqual(expect.objectContaining({ hash_key: 'address', attribute: [{ name: 'address', type: 'S' }], billing_mode: 'PAY_PER_REQUEST' }));
  });

  it('runs once at deployment, after the subscriptions exist, before its heartbeat alarm first looks', () => {
    const [address, invocation] = Object.entries(prod.resource.aws_lambda_invocation!)[0]!;
    expect(invocation.function_name).toMatch(/subscription-check_function/);
    expect([...invocation.depends_on].sort()).toEqual(Object.keys(prod.resource.aws_sns_topic_subscription!).map((subscription) => `aws_sns_topic_subscription.${subscription}`).sort());
    const heartbeat = resourcesOf(prod, 'aws_cloudwatch_metric_alarm').find((alarm) => alarm.alarm_name === 'ssm-agent-ops-prod-subscription-check-heartbeat');
    expect(heartbeat.depends_on).toEqual([`aws_lambda_invocation.${address}`]);
  });

  it('alarms when no check completed for the longest gap of its schedule plus an hour, and when a run and both retries failed', () => {
    const alarms = resourcesOf(prod, 'aws_cloudwatch_metric_alarm');
    expect(alarms.find((alarm) => alarm.alarm_name === 'ssm-agent-ops-prod-subscription-check-heartbeat')).toEqual(
      expect.objectContaining({
        namespace: 'SSMAgentOps/prod',
        metric_name: 'SubscriptionChecks',
        period: 3600,
        evaluation_periods: 25,
        datapoints_to_alarm: 25,
        comparison_operator: 'LessThanThreshold',
        threshold: 1,
        treat_missing_data: 'breaching',
      }),
    );
    expect(alarms.find((alarm) => alarm.alarm_name === 'ssm-agent-ops-prod-subscription-check-errors')).toEqual(
      expect.objectContaining({ metric_name: 'Errors', dimensions: { FunctionName: expect.stringContaining('subscription-check') }, threshold: 3, period: 3600 }),
    );
    const every6Hours = synthStack(exampleSettings('prod', { subscriptionCheck: { schedule: 'rate(6 hours)' } }));
    const heartbeat = resourcesOf(every6Hours, 'aws_cloudwatch_metric_alarm').find((alarm) => alarm.alarm_name.endsWith('subscription-check-heartbeat'));
    expect(heartbeat.evaluation_periods).toBe(7);
    expect(heartbeat.period * heartbeat.evaluation_periods).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('shows the confirmed subscriptions on the dashboard', () => {
    const widgets = JSON.parse(onlyResource(prod, 'aws_cloudwatch_dashboard').dashboard_body).widgets;
    const widget = widgets.find((candidate: any) => candidate.properties.title.startsWith('Alert addresses with a confirmed subscription'));
    expect(widget.properties.metrics.map((metric: any[]) => metric.slice(0, 2))).toEqual([
      ['SSMAgentOps/prod', 'ConfirmedSubscriptions'],
      ['SSMAgentOps/prod', 'LostSubscriptions'],
    ]);
    expect(widget.properties.annotations.horizontal).toEqual([{ label: 'configured', value: 2 }]);
  });
});
