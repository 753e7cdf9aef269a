/**
 * The ping monitor this product replaces (SPEC section 5), modelled call for call so that the bench
 * measures both designs against the same simulated AWS.
 */
import { ListMetricsCommand, PutMetricAlarmCommand, PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeInstanceInformationCommand, paginateDescribeInstanceInformation, type SSMClient } from '@aws-sdk/client-ssm';

const SEED_VALUES: Record<string, number> = { Online: 0, ConnectionLost: 1, Inactive: 2 };

/** First Lambda: pages every node and calls PutMetricData once per node; any other status crashes it. */
export async function seedMetricsRun(ssm: SSMClient, cloudwatch: CloudWatchClient): Promise<void> {
  for await (const page of paginateDescribeInstanceInformation({ client: ssm, pageSize: 50 }, {})) {
    for (const node of page.InstanceInformationList ?? []) {
      const value = SEED_VALUES[node.PingStatus ?? ''];
      if (value === undefined) throw new Error(`KeyError: ${node.PingStatus}`);
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'SSM Agent',
          MetricData: [{ MetricName: 'Status', Dimensions: [{ Name: 'Per-Instance Metrics', Value: node.InstanceId! }], Value: value }],
        }),
      );
    }
  }
}

/** Second Lambda: one unpaged DescribeInstanceInformation, a paged ListMetrics, and PutMetricAlarm for every node it saw. */
export async function seedAlarmsRun(ssm: SSMClient, cloudwatch: CloudWatchClient): Promise<void> {
  const firstPage = await ssm.send(new DescribeInstanceInformationCommand({}));
  let token: string | undefined;
  do {
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'SSM Agent', MetricName: 'Status', NextToken: token }));
    token = listed.NextToken;
  } while (token);
  for (const node of firstPage.InstanceInformationList ?? []) {
    await cloudwatch.send(
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
    );
  }
}
