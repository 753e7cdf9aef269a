import { Construct } from 'constructs';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Language, Localized } from '../contract/languages';
import { runbookLocation } from '../contract/runbooks';

export interface SelfMonitoringProps {
  /** Alarm names start with this; the alert topic admits only such alarms. */
  readonly resourceNamePrefix: string;
  readonly topicArn: string;
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

/**
 * Alarms on the product itself. They publish to the alert topic directly, not through the notifier,
 * so that they still arrive when the notifier is what broke.
 */
export class SelfMonitoring extends Construct {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: SelfMonitoringProps,
  ) {
    super(scope, id);
  }

  /** Alarms when a Lambda function returns an error (each failed attempt counts, retries included). */
  watchFunctionErrors(suffix: string, functionName: string, what: Localized): CloudwatchMetricAlarm {
    return this.alarm(suffix, what, {
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: functionName },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
  }

  /** Alarms while a dead-letter queue holds any message: an alert that was not delivered. */
  watchDeadLetterQueue(suffix: string, queueName: string, what: Localized): CloudwatchMetricAlarm {
    return this.alarm(suffix, what, {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: queueName },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
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
    return new CloudwatchMetricAlarm(this, suffix, {
      alarmName: `${this.props.resourceNamePrefix}-${suffix}`,
      alarmDescription: description,
      ...metric,
      alarmActions: [this.props.topicArn],
      okActions: [this.props.topicArn],
    });
  }
}
