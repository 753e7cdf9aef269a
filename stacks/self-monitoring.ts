import { Construct } from 'constructs';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Language, Localized } from '../contract/languages';
import { runbookLocation } from '../contract/runbooks';

export interface SelfMonitoringProps {
  /** Alarm names start with this; the alert topic admits only such alarms. */
  readonly resourceNamePrefix: string;
  /** Where the alarms publish ALARM and OK; a spoke's alarms publish nothing, their state changes are forwarded to the hub. */
  readonly topicArn?: string;
  readonly language: Language;
  readonly runbookBaseUrl?: string;
}

type AlarmMetric = Pick<
  CloudwatchMetricAlarmConfig,
  | 'namespace'
  | 'metricName'
  | 'dimensions'
  | 'statistic'
  | 'period'
  | 'evaluationPeriods'
  | 'datapointsToAlarm'
  | 'threshold'
  | 'comparisonOperator'
  | 'treatMissingData'
>;

/** Errors of a function page only when they are sustained (see `watchFunctionErrors`). */
const SUSTAINED_ERRORS = { periodSeconds: 60, datapointsToAlarm: 4, evaluationPeriods: 5 } as const;

/**
 * Alarms on the product itself. They publish to the alert topic directly, not through the notifier,
 * so that they still arrive when the notifier is what broke.
 */
export class SelfMonitoring extends Construct {
  private readonly names: string[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SelfMonitoringProps,
  ) {
    super(scope, id);
  }

  /**
   * Alarms when a Lambda function's errors are sustained: errors in at least 4 of 5 consecutive
   * minutes. A single error that its retry cures pages no one, and neither does one event that fails
   * every attempt (Lambda retries an asynchronous event twice, about 1 and 2 minutes apart: at most 3
   * minutes with errors), which pages through the dead-letter queue it lands in instead.
   */
  watchFunctionErrors(suffix: string, functionName: string, what: Localized): CloudwatchMetricAlarm {
    return this.alarm(suffix, what, {
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: functionName },
      statistic: 'Sum',
      period: SUSTAINED_ERRORS.periodSeconds,
      evaluationPeriods: SUSTAINED_ERRORS.evaluationPeriods,
      datapointsToAlarm: SUSTAINED_ERRORS.datapointsToAlarm,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
  }

  /**
   * Alarms at once, and stays in alarm, while a dead-letter queue holds any message: an alert that was
   * not delivered. SQS publishes a queue's metrics only while the queue is "active" (for up to six
   * hours after it contained messages or was accessed); missing data therefore keeps the alarm's
   * state instead of clearing it, so the alarm ends only when the messages are dealt with.
   */
  watchDeadLetterQueue(suffix: string, queueName: string, what: Localized): CloudwatchMetricAlarm {
    return this.alarm(suffix, what, {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: queueName },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'ignore',
    });
  }

  /** One alarm publishing ALARM and OK straight to the topic, described in the mail language. */
  alarm(suffix: string, what: Localized, metric: AlarmMetric): CloudwatchMetricAlarm {
    const { language } = this.props;
    const runbook = runbookLocation('notifier-or-monitor-failure', language, this.props.runbookBaseUrl);
    const description =
      language === 'ja'
        ? `ssm-agent-ops の自己監視: ${what.ja}。手順書: ${runbook.url ?? runbook.path}`
        : `ssm-agent-ops self-monitoring: ${what.en}. Runbook: ${runbook.url ?? runbook.path}`;
    const alarmName = `${this.props.resourceNamePrefix}-${suffix}`;
    this.names.push(alarmName);
    const { topicArn } = this.props;
    return new CloudwatchMetricAlarm(this, suffix, {
      alarmName,
      alarmDescription: description,
      ...metric,
      ...(topicArn ? { alarmActions: [topicArn], okActions: [topicArn] } : {}),
    });
  }

  /** The names of every alarm made so far. */
  get alarmNames(): readonly string[] {
    return [...this.names];
  }
}
