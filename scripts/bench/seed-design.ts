/**
 * The ping monitor this product replaces (SPEC section 5), modelled call for call so that the bench
 * measures both designs against the same simulated AWS. Its SDK retries throttled calls (as every AWS
 * SDK does by default: up to 5 attempts with backoff here), each attempt counting as a request.
 */
import { ListMetricsCommand, PutMetricAlarmCommand, PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeInstanceInformationCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { classifyFailure } from '../../lambdas/shared/aws-errors';
import { delay } from '../../lambdas/shared/token-bucket';

const SEED_VALUES: Record<string, number> = { Online: 0, ConnectionLost: 1, Inactive: 2 };
const ATTEMPTS = 5;

async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= ATTEMPTS || classifyFailure(error) !== 'retry-later') throw error;
      await delay(500 * 2 ** (attempt - 1));
    }
  }
}

/** First Lambda: pages every node and calls PutMetricData once per node; any other status crashes it. */
export async function seedMetricsRun(ssm: SSMClient, cloudwatch: CloudWatchClient): Promise<void> {
  let token: string | undefined;
  do {
    const page = await withRetries(() => ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50, NextToken: token })));
    for (const node of page.InstanceInformationList ?? []) {
      const value = SEED_VALUES[node.PingStatus ?? ''];
      if (value === undefined) throw new Error(`KeyError: ${node.PingStatus}`);
      await withRetries(() =>
        cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: 'SSM Agent',
            MetricData: [{ MetricName: 'Status', Dimensions: [{ Name: 'Per-Instance Metrics', Value: node.InstanceId! }], Value: value }],
          }),
        ),
      );
    }
    token = page.NextToken;
  } while (token);
}

/** Second Lambda: one unpaged DescribeInstanceInformation, a paged ListMetrics, and PutMetricAlarm for every node it saw. */
export async function seedAlarmsRun(ssm: SSMClient, cloudwatch: CloudWatchClient): Promise<void> {
  const firstPage = await withRetries(() => ssm.send(new DescribeInstanceInformationCommand({})));
  let token: string | undefined;
  do {
    const listed = await withRetries(() => cloudwatch.send(new ListMetricsCommand({ Namespace: 'SSM Agent', MetricName: 'Status', NextToken: token })));
    token = listed.NextToken;
  } while (token);
  for (const node of firstPage.InstanceInformationList ?? []) {
    await withRetries(() =>
      cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: `ssm-agent-${node.InstanceId}`,
          Namespace: 'SSM Agent',
          MetricName: 'Status',
          Dimensions: [{ Name: 'Per-Instance Metrics', Value: node.InstanceId! }],
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'missing',
          AlarmActions: ['arn:aws:sns:ap-northeast-1:123456789012:OPE'],
        }),
      ),
    );
  }
}
