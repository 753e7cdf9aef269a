import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import {
  ALARM_WRITE_ERRORS_METRIC,
  ALARM_WRITE_OPERATIONS,
  CONDITION_DIMENSION,
  FLEET_CONDITIONS,
  FLEET_CONDITIONS_METRIC,
  ALARM_WRITES_DEFERRED_METRIC,
  ALARM_WRITES_PENDING_METRIC,
  INVENTORY_RUNS_METRIC,
  MANAGED_NODES_METRIC,
  OPERATION_DIMENSION,
  PING_STATUS_DIMENSION,
  SLICED_READS_METRIC,
  WATCH_RUNS_METRIC,
} from '../contract/agent-metrics';
import { FLEET_PING_STATUSES } from '../contract/ping-statuses';
import { CONFIRMED_SUBSCRIPTIONS_METRIC, LOST_SUBSCRIPTIONS_METRIC } from '../contract/subscription-metrics';

export interface DashboardProps {
  readonly name: string;
  readonly region: string;
  readonly metricNamespace: string;
  readonly failureRuleNames: readonly string[];
  readonly topicName: string;
  readonly deadLetterQueueName: string;
  readonly functionNames: readonly string[];
  /** How many alert addresses are configured; the subscription check reports how many are confirmed. */
  readonly configuredAddresses: number;
}

type MetricLine = (string | Record<string, unknown>)[];

/** One CloudWatch dashboard per environment: the fleet's ping statuses, failures, and the product's own health. */
export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const widget = (x: number, y: number, title: string, metrics: MetricLine[], options: Record<string, unknown> = {}) => ({
      type: 'metric',
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: props.region, view: 'timeSeries', metrics, ...options },
    });

    const widgets = [
      widget(
        0,
        0,
        'Managed nodes by ping status',
        FLEET_PING_STATUSES.map((status) => [props.metricNamespace, MANAGED_NODES_METRIC, PING_STATUS_DIMENSION, status, { stat: 'Maximum', period: 60 }]),
        { stacked: true },
      ),
      widget(
        12,
        0,
        'Failed runs reported, and mails sent',
        [
          ...props.failureRuleNames.map((rule) => ['AWS/Events', 'MatchedEvents', 'RuleName', rule, { stat: 'Sum', period: 300 }]),
          ['AWS/SNS', 'NumberOfMessagesPublished', 'TopicName', props.topicName, { stat: 'Sum', period: 300 }],
        ],
      ),
      widget(
        0,
        6,
        'Lambda errors and throttles',
        props.functionNames.flatMap((name) => [
          ['AWS/Lambda', 'Errors', 'FunctionName', name, { stat: 'Sum', period: 300 }],
          ['AWS/Lambda', 'Throttles', 'FunctionName', name, { stat: 'Sum', period: 300 }],
        ]),
      ),
      widget(12, 6, 'Agent watch and fleet inventory runs, and undelivered alerts', [
        [props.metricNamespace, WATCH_RUNS_METRIC, { stat: 'Sum', period: 60 }],
        [props.metricNamespace, INVENTORY_RUNS_METRIC, { stat: 'Sum', period: 300 }],
        [props.metricNamespace, SLICED_READS_METRIC, { stat: 'Sum', period: 300 }],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', props.deadLetterQueueName, { stat: 'Maximum', period: 300 }],
      ]),
      widget(
        0,
        12,
        'Lambda duration (p99)',
        props.functionNames.map((name) => ['AWS/Lambda', 'Duration', 'FunctionName', name, { stat: 'p99', period: 300 }]),
      ),
      widget(
        12,
        12,
        `Alert addresses with a confirmed subscription (of ${props.configuredAddresses})`,
        [
          [props.metricNamespace, CONFIRMED_SUBSCRIPTIONS_METRIC, { stat: 'Minimum', period: 3600, label: 'confirmed' }],
          [props.metricNamespace, LOST_SUBSCRIPTIONS_METRIC, { stat: 'Maximum', period: 3600, label: 'getting no alerts' }],
        ],
        { annotations: { horizontal: [{ label: 'configured', value: props.configuredAddresses }] }, yAxis: { left: { min: 0 } } },
      ),
      widget(
        0,
        18,
        'Node alarm writes: pending, left for later, refused',
        ALARM_WRITE_OPERATIONS.flatMap((operation) => [
          [props.metricNamespace, ALARM_WRITES_PENDING_METRIC, OPERATION_DIMENSION, operation, { stat: 'Maximum', period: 300 }],
          [props.metricNamespace, ALARM_WRITES_DEFERRED_METRIC, OPERATION_DIMENSION, operation, { stat: 'Sum', period: 300 }],
          [props.metricNamespace, ALARM_WRITE_ERRORS_METRIC, OPERATION_DIMENSION, operation, { stat: 'Sum', period: 300 }],
        ]),
      ),
      widget(
        12,
        18,
        'Nodes stopped, muted, and instances missing from Systems Manager',
        FLEET_CONDITIONS.map((condition) => [props.metricNamespace, FLEET_CONDITIONS_METRIC, CONDITION_DIMENSION, condition, { stat: 'Maximum', period: 900 }]),
        { yAxis: { left: { min: 0 } } },
      ),
    ];

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.name,
      dashboardBody: JSON.stringify({ widgets }),
    });
  }
}
