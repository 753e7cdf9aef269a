import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { LambdaPackaging } from '../config/schema';
import { agentMonitorEnvironment } from '../contract/agent-monitor-environment';
import { MONITOR_RUNS_METRIC } from '../contract/agent-metrics';
import { ALARM_STATE_CHANGE_DETAIL_TYPE, CLOUDWATCH_EVENT_SOURCE } from '../contract/events';
import { arn, type AwsLocation } from './aws-arn';
import type { Notifier } from './notifier';
import { PackagedFunction } from './packaged-function';
import type { SelfMonitoring } from './self-monitoring';

export interface AgentHealthMonitorProps {
  readonly functionName: string;
  readonly scheduleRuleName: string;
  /** The rule sending the agent alarms' ALARM and OK to the notifier. */
  readonly alarmStateRuleName: string;
  readonly location: AwsLocation;
  readonly bundleDir: string;
  readonly packaging: LambdaPackaging;
  readonly logRetentionDays: number;
  /** CloudWatch namespace of the monitor's metrics; its role may publish to no other. */
  readonly metricNamespace: string;
  /** Each node's alarm is this prefix followed by the instance ID; the notifier mails such alarms. */
  readonly alarmNamePrefix: string;
  /** Only nodes with this tag are watched; every managed node when absent. */
  readonly scopeTag?: { readonly key: string; readonly values: readonly string[] };
  readonly notifier: Notifier;
  readonly selfMonitoring: SelfMonitoring;
}

/** Runs left without a heartbeat before the heartbeat alarm fires (the SPEC allows 5 minutes). */
const MISSED_RUNS_BEFORE_ALARM = 3;

/**
 * The agent health monitor: a Lambda run every minute that keeps one alarm per managed node, a rule
 * that sends those alarms' ALARM and OK to the notifier, and the heartbeat and error alarms that
 * notice when the monitor itself stops.
 */
export class AgentHealthMonitor extends Construct {
  readonly function: PackagedFunction;
  readonly alarmStateRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: AgentHealthMonitorProps) {
    super(scope, id);
    const { location, alarmNamePrefix } = props;

    this.function = new PackagedFunction(this, 'function', {
      functionName: props.functionName,
      description: 'Watches the SSM Agent connection of every managed node with one alarm per node',
      bundleDir: props.bundleDir,
      packaging: props.packaging,
      logRetentionDays: props.logRetentionDays,
      // Well inside the one-minute schedule; the monitor stops starting alarm writes 10 s before.
      timeoutSeconds: 55,
      environment: agentMonitorEnvironment.encode({
        namespace: props.metricNamespace,
        alarmNamePrefix,
        scopeTag: props.scopeTag ? { key: props.scopeTag.key, values: [...props.scopeTag.values] } : undefined,
      }),
    });
    const fn = this.function;
    fn.addToRolePolicy(
      // DescribeInstanceInformation and DescribeAlarms support no resource-level permissions.
      { Sid: 'ReadManagedNodes', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' },
      {
        Sid: 'PublishOwnMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } },
      },
      { Sid: 'ReadAlarms', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
      {
        Sid: 'ManageOwnAgentAlarms',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
        Resource: arn(location, 'cloudwatch', `alarm:${alarmNamePrefix}*`),
      },
    );

    // A late run is worthless once the next one has started: no retries, no queueing.
    new LambdaFunctionEventInvokeConfig(this, 'no-retries', {
      functionName: fn.functionName,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 60,
    });
    const schedule = new CloudwatchEventRule(this, 'schedule', {
      name: props.scheduleRuleName,
      description: 'Runs the ssm-agent-ops agent health monitor every minute',
      scheduleExpression: 'rate(1 minute)',
    });
    new CloudwatchEventTarget(this, 'schedule-target', { rule: schedule.name, arn: fn.functionArn });
    new LambdaPermission(this, 'schedule-permission', {
      statementId: 'AllowSchedule',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: schedule.arn,
      sourceAccount: location.accountId,
    });

    this.alarmStateRule = new CloudwatchEventRule(this, 'alarm-state', {
      name: props.alarmStateRuleName,
      description: 'ALARM and recovery of the ssm-agent-ops agent alarms',
      eventPattern: JSON.stringify({
        source: [CLOUDWATCH_EVENT_SOURCE],
        'detail-type': [ALARM_STATE_CHANGE_DETAIL_TYPE],
        detail: {
          alarmName: [{ prefix: alarmNamePrefix }],
          // ALARM from any state (a node already lost when first seen), OK only after ALARM: a new
          // alarm's first OK is not a recovery.
          $or: [{ state: { value: ['ALARM'] } }, { state: { value: ['OK'] }, previousState: { value: ['ALARM'] } }],
        },
      }),
    });
    props.notifier.addRule('agent-alarm-state', this.alarmStateRule);

    props.selfMonitoring.watchFunctionErrors('monitor-errors', fn.functionName, {
      ja: 'エージェント監視 Lambda がエラーを返しました (この間、接続断の検知が遅れます)',
      en: 'the agent monitor Lambda returned errors (lost connections are detected late meanwhile)',
    });
    props.selfMonitoring.alarm(
      'monitor-heartbeat',
      {
        ja: `エージェント監視 Lambda の実行が ${MISSED_RUNS_BEFORE_ALARM} 分以上、正常に完了していません。この間、接続断は検知されません`,
        en: `the agent monitor has not completed a run for ${MISSED_RUNS_BEFORE_ALARM} minutes; lost connections go undetected meanwhile`,
      },
      {
        namespace: props.metricNamespace,
        metricName: MONITOR_RUNS_METRIC,
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: MISSED_RUNS_BEFORE_ALARM,
        datapointsToAlarm: MISSED_RUNS_BEFORE_ALARM,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        // No heartbeat is the signal itself: a stopped monitor must never look like a healthy fleet.
        treatMissingData: 'breaching',
      },
    );
  }
}
