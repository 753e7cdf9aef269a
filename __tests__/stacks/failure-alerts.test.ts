import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { notifierEnvironment } from '../../contract/notifier-environment';
import { matchesEventPattern } from '../helpers/event-pattern';
import {
  associationStatusChange,
  commandStatusChange,
  failedPackageAssociation,
  failedPackageAssociationRun,
  failedPackageInvocation,
  failedUpdateAssociation,
  failedUpdateInvocation,
  noTargetsAssociationRun,
  succeededUpdateAssociation,
  succeededUpdateInvocation,
} from '../../fixtures/events';
import { exampleSettings, onlyResource, resourcesOf, statementsOf, synthStack } from '../helpers/synth';

const prod = synthStack(exampleSettings('prod'));
const rules = resourcesOf(prod, 'aws_cloudwatch_event_rule');
const ruleNamed = (name: string) => rules.find((rule) => rule.name === name);
const commandPattern = JSON.parse(ruleNamed('ssm-agent-ops-prod-failed-commands').event_pattern);
const associationPattern = JSON.parse(ruleNamed('ssm-agent-ops-prod-failed-associations').event_pattern);
const associationRunPattern = JSON.parse(ruleNamed('ssm-agent-ops-prod-failed-association-runs').event_pattern);
const matchesAnyRule = (event: unknown) => [commandPattern, associationPattern, associationRunPattern].some((pattern) => matchesEventPattern(pattern, event));

describe('failure alert rules', () => {
  it('match failed and timed-out runs of the watched documents', () => {
    expect(matchesEventPattern(commandPattern, failedUpdateInvocation())).toBe(true);
    expect(matchesEventPattern(commandPattern, failedPackageInvocation())).toBe(true);
    expect(matchesEventPattern(associationPattern, failedPackageAssociation())).toBe(true);
    expect(matchesEventPattern(associationPattern, failedUpdateAssociation())).toBe(true);
    const timedOut = failedUpdateInvocation();
    timedOut.detail.status = 'TimedOut';
    expect(matchesEventPattern(commandPattern, timedOut)).toBe(true);
  });

  it('match association runs of the watched documents that failed as a whole or reached no node, and nothing else', () => {
    expect(matchesEventPattern(associationRunPattern, associationStatusChange())).toBe(true);
    expect(matchesEventPattern(associationRunPattern, failedPackageAssociationRun())).toBe(true);
    expect(matchesEventPattern(associationRunPattern, noTargetsAssociationRun())).toBe(true);
    expect([commandPattern, associationPattern].some((pattern) => matchesEventPattern(pattern, associationStatusChange()))).toBe(false);
    expect(associationRunPattern).toEqual({
      source: ['aws.ssm'],
      'detail-type': ['EC2 State Manager Association State Change'],
      detail: {
        'document-name': ['AWS-UpdateSSMAgent', 'AWS-ConfigureAWSPackage'],
        $or: [{ status: ['Failed'] }, { status: ['Success'], 'association-status-aggregated-count': ['{}'] }],
      },
    });
  });

  const succeededRun = associationStatusChange();
  succeededRun.detail.status = 'Success';
  succeededRun.detail['association-status-aggregated-count'] = '{"Success":2}';
  const pendingRun = noTargetsAssociationRun();
  pendingRun.detail.status = 'Pending';
  const otherDocumentRun = associationStatusChange();
  otherDocumentRun.detail['document-name'] = 'AWS-RunShellScript';

  it.each([
    ['a successful invocation', succeededUpdateInvocation()],
    ['a successful instance association', succeededUpdateAssociation()],
    ['a failed command-level status change (its invocations have their own events)', commandStatusChange()],
    ['an association run that succeeded on its nodes', succeededRun],
    ['an association run in progress that no node has reported on yet', pendingRun],
    ['a failed association run of a document that is not watched', otherDocumentRun],
  ])('do not match %s', (_case, event) => {
    expect(matchesAnyRule(event)).toBe(false);
  });

  it('do not match a wrongly cased status or a document that is not watched', () => {
    const lowerCase = failedUpdateInvocation();
    lowerCase.detail.status = 'failed';
    const otherDocument = failedUpdateInvocation();
    otherDocument.detail['document-name'] = 'AWS-RunShellScript';
    const failedPowerShell = succeededUpdateInvocation();
    failedPowerShell.detail.status = 'Failed';
    failedPowerShell.detail['document-name'] = 'AWS-RunPowerShellScript';
    const lowerCaseDocument = failedUpdateInvocation();
    lowerCaseDocument.detail['document-name'] = 'aws-updatessmagent';
    expect(matchesAnyRule(lowerCase)).toBe(false);
    expect(matchesAnyRule(otherDocument)).toBe(false);
    expect(matchesAnyRule(failedPowerShell)).toBe(false);
    expect(matchesAnyRule(lowerCaseDocument)).toBe(false);
  });

  it('watch extra documents and statuses when configured', () => {
    const custom = synthStack(
      exampleSettings('dev', { failureAlerts: { extraDocuments: ['AWS-RunShellScript'], statuses: ['Failed', 'TimedOut', 'Cancelled'] } }),
    );
    const pattern = JSON.parse(resourcesOf(custom, 'aws_cloudwatch_event_rule').find((rule) => rule.name.endsWith('failed-commands')).event_pattern);
    expect(pattern.detail).toEqual({
      'document-name': ['AWS-UpdateSSMAgent', 'AWS-ConfigureAWSPackage', 'AWS-RunShellScript'],
      status: ['Failed', 'TimedOut', 'Cancelled'],
    });
    const shell = failedUpdateInvocation();
    shell.detail['document-name'] = 'AWS-RunShellScript';
    expect(matchesEventPattern(pattern, shell)).toBe(true);
  });

  it('send events to the notifier with retries and a dead-letter queue', () => {
    const targets = resourcesOf(prod, 'aws_cloudwatch_event_target').filter((target) => target.rule.includes('failure-alerts'));
    expect(targets).toHaveLength(3);
    for (const target of targets) {
      expect(target).toEqual(
        expect.objectContaining({
          arn: expect.stringMatching(/^\$\{aws_lambda_function\.notifier_function_\S+\.arn\}$/),
          retry_policy: { maximum_retry_attempts: 24, maximum_event_age_in_seconds: 21600 },
          dead_letter_config: { arn: expect.stringMatching(/^\$\{aws_sqs_queue\.\S+\.arn\}$/) },
        }),
      );
    }
  });

  it('allow each rule, and only it, to invoke the notifier', () => {
    const permissions = resourcesOf(prod, 'aws_lambda_permission').filter((permission) => permission.source_arn.includes('failure-alerts'));
    expect(permissions.map((permission) => permission.source_arn).sort()).toEqual([
      expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.failure-alerts_failed-association-runs_\S+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.failure-alerts_failed-associations_\S+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.failure-alerts_failed-commands_\S+\.arn\}$/),
    ]);
    for (const permission of permissions) {
      expect(permission).toEqual(
        expect.objectContaining({ principal: 'events.amazonaws.com', action: 'lambda:InvokeFunction', source_account: '333333333333' }),
      );
    }
  });
});

describe('notifier', () => {
  const fn = resourcesOf(prod, 'aws_lambda_function').find((candidate) => candidate.function_name === 'ssm-agent-ops-prod-notifier');

  it('is told where to mail, in which language and time zone, and which statuses it handles', () => {
    expect(fn.function_name).toBe('ssm-agent-ops-prod-notifier');
    // References resolve at apply time; stand in what AWS gives them, then read the variables back as
    // the handler does: what the stack sets is what the function understands.
    const standIns: Record<string, string> = {
      'aws_sns_topic.arn': 'arn:aws:sns:ap-northeast-1:333333333333:OPE',
      'aws_dynamodb_table.name': 'ssm-agent-ops-prod-notifier-idempotency',
    };
    const applied = Object.fromEntries(
      Object.entries(fn.environment.variables as Record<string, string>).map(([name, value]) => {
        const reference = /^\$\{(\w+)\.[^.]+\.(\w+)\}$/.exec(value);
        const standIn = reference && standIns[`${reference[1]}.${reference[2]}`];
        if (reference && !standIn) throw new Error(`${name} refers to ${value}, which the notifier is not meant to read`);
        return [name, standIn ?? value];
      }),
    );
    expect(notifierEnvironment.decode(applied)).toEqual({
      topicArn: 'arn:aws:sns:ap-northeast-1:333333333333:OPE',
      displayNameParameter: '/ops/ssm-agent-ops/prod/account-display-name',
      idempotencyTable: 'ssm-agent-ops-prod-notifier-idempotency',
      watchedStatuses: ['Failed', 'TimedOut'],
      agentAlarmPrefix: 'ssm-agent-ops-prod-agent-',
      notesTable: 'ssm-agent-ops-prod-alert-notes',
      language: 'ja',
      timeZone: 'Asia/Tokyo',
      environmentName: 'prod',
    });
    expect(alertDeliveryEnvironment.decode(applied)).toEqual({ unsubscribeContact: '運用チームのリーダー (ops-lead@example.com)' });
    expect(Object.keys(applied).every((name) => [...notifierEnvironment.variableNames, ...alertDeliveryEnvironment.variableNames].includes(name))).toBe(true);
  });

  it('retries failed invocations twice, then dead-letters them', () => {
    const invokeConfig = resourcesOf(prod, 'aws_lambda_function_event_invoke_config').find((config) => config.function_name.includes('notifier'));
    expect(invokeConfig).toEqual(
      expect.objectContaining({
        maximum_retry_attempts: 2,
        maximum_event_age_in_seconds: 21600,
        destination_config: { on_failure: { destination: expect.stringMatching(/^\$\{aws_sqs_queue\.\S+\.arn\}$/) } },
      }),
    );
  });

  it('keeps an encrypted dead-letter queue that only its own rules may write to', () => {
    expect(onlyResource(prod, 'aws_sqs_queue')).toEqual(
      expect.objectContaining({ name: 'ssm-agent-ops-prod-undelivered-alerts', sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 }),
    );
    expect(statementsOf(onlyResource(prod, 'aws_sqs_queue_policy').policy)).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '333333333333' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:events:ap-northeast-1:333333333333:rule/ssm-agent-ops-prod-*' },
        },
      }),
    ]);
  });

  it('remembers mailed runs in a table that forgets them after their TTL', () => {
    expect(resourcesOf(prod, 'aws_dynamodb_table').find((table) => table.name.endsWith('-notifier-idempotency'))).toEqual(
      expect.objectContaining({
        name: 'ssm-agent-ops-prod-notifier-idempotency',
        billing_mode: 'PAY_PER_REQUEST',
        hash_key: 'id',
        attribute: [{ name: 'id', type: 'S' }],
        ttl: { attribute_name: 'expiration', enabled: true },
      }),
    );
  });

  it('may do exactly what it needs, each action on the narrowest resource AWS allows', () => {
    const policy = resourcesOf(prod, 'aws_iam_role_policy').find((candidate) => candidate.role.includes('notifier'));
    expect(statementsOf(policy.policy)).toEqual([
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.\S+\.arn\}:\*$/) },
      { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: expect.stringMatching(/^\$\{aws_sns_topic\.\S+\.arn\}$/) },
      {
        Sid: 'EncryptAlertsForTheTopic',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: expect.stringMatching(/^\$\{aws_kms_key\.\S+\.arn\}$/),
        Condition: { StringEquals: { 'kms:ViaService': 'sns.ap-northeast-1.amazonaws.com' } },
      },
      { Sid: 'ReadFailedCommandResults', Effect: 'Allow', Action: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'], Resource: '*' },
      {
        Sid: 'FindTheCommandOfAnAssociationRun',
        Effect: 'Allow',
        Action: ['ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets'],
        Resource: 'arn:aws:ssm:ap-northeast-1:333333333333:association/*',
      },
      { Sid: 'ReadManagedNodeDetails', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' },
      { Sid: 'ReadInstanceNameTags', Effect: 'Allow', Action: 'tag:GetResources', Resource: '*' },
      { Sid: 'ReadAccountDisplayName', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:ap-northeast-1:333333333333:parameter/ops/ssm-agent-ops/prod/account-display-name' },
      {
        Sid: 'RememberMailedRuns',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.\S+\.arn\}$/),
      },
      { Sid: 'DeadLetterFailedInvocations', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: expect.stringMatching(/^\$\{aws_sqs_queue\.\S+\.arn\}$/) },
      // The agent watch's mail decisions: one item at a time, on its table only.
      { Sid: 'ReadAlertNotes', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.agent-health-monitor_alert-notes_\S+\.arn\}$/) },
    ]);
  });
});

describe('self-monitoring alarms', () => {
  const alarms = resourcesOf(prod, 'aws_cloudwatch_metric_alarm');
  const alarmNamed = (name: string) => alarms.find((alarm) => alarm.alarm_name === name);

  it('raise sustained notifier errors and undelivered alerts straight to the topic, in Japanese, with the runbook', () => {
    expect(alarmNamed('ssm-agent-ops-prod-notifier-errors')).toEqual(
      expect.objectContaining({
        namespace: 'AWS/Lambda',
        metric_name: 'Errors',
        dimensions: { FunctionName: expect.stringMatching(/^\$\{aws_lambda_function\.\S+\.function_name\}$/) },
        statistic: 'Sum',
        period: 60,
        evaluation_periods: 5,
        datapoints_to_alarm: 4,
        threshold: 1,
        comparison_operator: 'GreaterThanOrEqualToThreshold',
        treat_missing_data: 'notBreaching',
        alarm_actions: [expect.stringMatching(/^\$\{aws_sns_topic\.\S+\.arn\}$/)],
        ok_actions: [expect.stringMatching(/^\$\{aws_sns_topic\.\S+\.arn\}$/)],
        alarm_description: expect.stringMatching(/^ssm-agent-ops の自己監視: 通知 Lambda のエラーが続いています.*手順書: help\/notifier-or-monitor-failure\.ja\.md$/),
      }),
    );
    expect(alarmNamed('ssm-agent-ops-prod-undelivered-alerts')).toEqual(
      expect.objectContaining({
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: expect.stringMatching(/^\$\{aws_sqs_queue\.\S+\.name\}$/) },
        statistic: 'Maximum',
        period: 60,
        evaluation_periods: 1,
        threshold: 1,
        treat_missing_data: 'ignore',
        alarm_actions: [expect.stringMatching(/^\$\{aws_sns_topic\.\S+\.arn\}$/)],
      }),
    );
  });

  describe('page only for real trouble', () => {
    /**
     * CloudWatch's M-out-of-N evaluation of a Sum >= 1 alarm over one-minute periods, missing data not
     * breaching: ALARM in any minute whose last N periods hold at least M with errors.
     */
    function pages(alarm: any, minutesWithErrors: number[]): boolean {
      const errorMinutes = new Set(minutesWithErrors);
      const last = Math.max(...minutesWithErrors) + alarm.evaluation_periods;
      for (let minute = 0; minute <= last; minute++) {
        let breaching = 0;
        for (let period = minute - alarm.evaluation_periods + 1; period <= minute; period++) if (errorMinutes.has(period)) breaching++;
        if (breaching >= alarm.datapoints_to_alarm) return true;
      }
      return false;
    }
    const errors = () => alarmNamed('ssm-agent-ops-prod-notifier-errors');
    const invokeConfig = () => resourcesOf(prod, 'aws_lambda_function_event_invoke_config').find((config) => config.function_name.includes('notifier'));

    it('pages no one for a single error that its retry cures', () => {
      expect(pages(errors(), [0])).toBe(false);
    });

    it('pages no one through the errors alarm for one event that fails every attempt: the dead-letter queue pages for it, at once', () => {
      // The first attempt and Lambda's two retries, about 1 and 2 minutes apart, in whichever minutes they fall.
      expect(invokeConfig().maximum_retry_attempts).toBe(2);
      for (const attempts of [[0, 1, 3], [0, 2, 4], [0, 1, 2]]) expect(pages(errors(), attempts)).toBe(false);
      expect(alarmNamed('ssm-agent-ops-prod-undelivered-alerts')).toMatchObject({ period: 60, evaluation_periods: 1, threshold: 1 });
    });

    it('pages when errors go on: four minutes out of five', () => {
      expect(pages(errors(), [0, 1, 2, 3])).toBe(true);
      expect(pages(errors(), [0, 1, 3, 4])).toBe(true);
      expect(pages(errors(), [0, 2, 4, 6, 8])).toBe(false);
    });
  });

  it('are named so that the topic policy lets them publish', () => {
    for (const alarm of alarms) expect(alarm.alarm_name).toMatch(/^ssm-agent-ops-prod-/);
    expect(alarms.map((alarm) => alarm.alarm_name).sort()).toEqual([
      'ssm-agent-ops-prod-agent-alarm-creates-refused',
      'ssm-agent-ops-prod-agent-alarm-deletes-refused',
      'ssm-agent-ops-prod-agent-watch-errors',
      'ssm-agent-ops-prod-agent-watch-heartbeat',
      'ssm-agent-ops-prod-fleet-inventory-errors',
      'ssm-agent-ops-prod-fleet-inventory-heartbeat',
      'ssm-agent-ops-prod-notifier-errors',
      'ssm-agent-ops-prod-subscription-check-errors',
      'ssm-agent-ops-prod-subscription-check-heartbeat',
      'ssm-agent-ops-prod-undelivered-alerts',
      'ssm-agent-ops-prod-weekly-report-errors',
    ]);
  });
});
