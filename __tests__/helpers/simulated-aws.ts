import { CloudWatchClient, type MetricAlarm, type MetricDatum, type PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import { SSMClient, type InstanceInformation } from '@aws-sdk/client-ssm';

/** One managed node of a simulated fleet. */
export interface SimulatedNode {
  instanceId: string;
  pingStatus: string;
  tags?: Record<string, string>;
  platformType?: string;
  platformName?: string;
  agentVersion?: string;
}

/** A CloudWatch Alarm State Change event, as EventBridge delivers it. */
export interface AlarmStateChange {
  source: 'aws.cloudwatch';
  'detail-type': 'CloudWatch Alarm State Change';
  id: string;
  account: string;
  region: string;
  time: string;
  resources: string[];
  version: '0';
  detail: Record<string, any>;
}

export interface SimulationOptions {
  /** Time every call takes, through setTimeout (so a fake clock can make it virtual). */
  latencyMs?: number;
  account?: string;
  region?: string;
}

const AWS_LIMITS = { DescribeInstanceInformation: 50, DescribeAlarms: 100, PutMetricData: 1000, DeleteAlarms: 100 } as const;

function validationError(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException' });
}

/**
 * SSM and CloudWatch as far as the agent monitor and the seed design use them: pages like AWS (and
 * rejects page sizes AWS rejects), enforces the per-call limits, counts every call, and evaluates
 * alarms on published data, recording each state change as the event EventBridge would deliver.
 */
export class SimulatedAws {
  readonly nodes: SimulatedNode[] = [];
  readonly alarms = new Map<string, MetricAlarm>();
  readonly calls = new Map<string, number>();
  readonly published: MetricDatum[] = [];
  readonly stateChanges: AlarmStateChange[] = [];
  /** Makes a call fail: return an Error to throw it. */
  fault?: (operation: string) => Error | undefined;
  private readonly lastValues = new Map<string, number>();
  private readonly alarmsByMetric = new Map<string, Set<string>>();

  constructor(private readonly options: SimulationOptions = {}) {}

  /** Real client instances (the SDK's paginators insist on them) whose calls this simulation answers. */
  readonly ssm: SSMClient = this.answering(new SSMClient({ region: 'ap-northeast-1' }));
  readonly cloudwatch: CloudWatchClient = this.answering(new CloudWatchClient({ region: 'ap-northeast-1' }));

  private answering<Client extends { send: unknown }>(client: Client): Client {
    client.send = ((command: any) => this.handle(command)) as Client['send'];
    return client;
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((sum, count) => sum + count, 0);
  }

  resetCounts(): void {
    this.calls.clear();
    this.published.length = 0;
  }

  private async handle(command: { constructor: { name: string }; input: any }): Promise<unknown> {
    const operation = command.constructor.name.replace(/Command$/, '');
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    const fault = this.fault?.(operation);
    if (fault) throw fault;
    switch (operation) {
      case 'DescribeInstanceInformation':
        return this.describeInstanceInformation(command.input);
      case 'DescribeAlarms':
        return this.describeAlarms(command.input);
      case 'PutMetricData':
        return this.putMetricData(command.input);
      case 'PutMetricAlarm':
        return this.putMetricAlarm(command.input);
      case 'DeleteAlarms':
        return this.deleteAlarms(command.input);
      case 'ListMetrics':
        return this.listMetrics(command.input);
      default:
        throw new Error(`SimulatedAws does not implement ${operation}`);
    }
  }

  private describeInstanceInformation(input: { MaxResults?: number; NextToken?: string; Filters?: { Key: string; Values: string[] }[] }) {
    const pageSize = input.MaxResults ?? AWS_LIMITS.DescribeInstanceInformation;
    if (pageSize > AWS_LIMITS.DescribeInstanceInformation) throw validationError('MaxResults must be at most 50');
    let nodes = this.nodes;
    for (const filter of input.Filters ?? []) {
      if (!filter.Key.startsWith('tag:')) throw new Error(`SimulatedAws does not filter on ${filter.Key}`);
      const key = filter.Key.slice('tag:'.length);
      nodes = nodes.filter((node) => filter.Values.includes(node.tags?.[key] ?? '\u0000'));
    }
    return page(nodes.map(toInstanceInformation), input.NextToken, pageSize, 'InstanceInformationList');
  }

  private describeAlarms(input: { MaxRecords?: number; NextToken?: string; AlarmNamePrefix?: string }) {
    const pageSize = input.MaxRecords ?? 50;
    if (pageSize > AWS_LIMITS.DescribeAlarms) throw validationError('MaxRecords must be at most 100');
    const matching = [...this.alarms.values()]
      .filter((alarm) => alarm.AlarmName!.startsWith(input.AlarmNamePrefix ?? ''))
      .sort((a, b) => a.AlarmName!.localeCompare(b.AlarmName!));
    return page(matching, input.NextToken, pageSize, 'MetricAlarms');
  }

  private putMetricData(input: { Namespace: string; MetricData: MetricDatum[] }) {
    if (input.MetricData.length > AWS_LIMITS.PutMetricData) throw validationError('at most 1000 values per call');
    for (const datum of input.MetricData) {
      this.published.push(datum);
      const key = metricKey(input.Namespace, datum.MetricName!, datum.Dimensions ?? []);
      this.lastValues.set(key, datum.Value!);
      for (const name of this.alarmsByMetric.get(key) ?? []) this.evaluate(this.alarms.get(name)!, datum.Value!);
    }
    return {};
  }

  private putMetricAlarm(input: PutMetricAlarmInput) {
    const existing = this.alarms.get(input.AlarmName!);
    const alarm: MetricAlarm = { ...input, StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA' } as MetricAlarm;
    this.alarms.set(input.AlarmName!, alarm);
    const key = metricKey(alarm.Namespace!, alarm.MetricName!, alarm.Dimensions ?? []);
    this.alarmsByMetric.set(key, (this.alarmsByMetric.get(key) ?? new Set()).add(alarm.AlarmName!));
    const last = this.lastValues.get(key);
    if (last !== undefined) this.evaluate(alarm, last);
    return {};
  }

  private deleteAlarms(input: { AlarmNames: string[] }) {
    if (input.AlarmNames.length > AWS_LIMITS.DeleteAlarms) throw validationError('at most 100 alarm names per call');
    for (const name of input.AlarmNames) {
      const alarm = this.alarms.get(name);
      if (alarm) this.alarmsByMetric.get(metricKey(alarm.Namespace!, alarm.MetricName!, alarm.Dimensions ?? []))?.delete(name);
      this.alarms.delete(name);
    }
    return {};
  }

  private listMetrics(input: { Namespace?: string; MetricName?: string; NextToken?: string }) {
    const metrics = [...this.lastValues.keys()]
      .map((key) => JSON.parse(key) as { namespace: string; name: string; dimensions: { Name: string; Value: string }[] })
      .filter((metric) => (!input.Namespace || metric.namespace === input.Namespace) && (!input.MetricName || metric.name === input.MetricName))
      .map((metric) => ({ Namespace: metric.namespace, MetricName: metric.name, Dimensions: metric.dimensions }));
    return page(metrics, input.NextToken, 500, 'Metrics');
  }

  /** A threshold alarm of one period and one datapoint, as the monitor's and the seed design's are. */
  private evaluate(alarm: MetricAlarm, value: number) {
    const breaching = value >= alarm.Threshold!;
    const state = breaching ? 'ALARM' : 'OK';
    if (alarm.StateValue === state) return;
    const previous = alarm.StateValue!;
    alarm.StateValue = state;
    const now = new Date().toISOString().replace('Z', '+0000');
    const dimensions = Object.fromEntries((alarm.Dimensions ?? []).map((dimension) => [dimension.Name, dimension.Value]));
    const account = this.options.account ?? '123456789012';
    const region = this.options.region ?? 'ap-northeast-1';
    this.stateChanges.push({
      version: '0',
      id: `state-change-${this.stateChanges.length + 1}`,
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [`arn:aws:cloudwatch:${region}:${account}:alarm:${alarm.AlarmName}`],
      detail: {
        alarmName: alarm.AlarmName,
        state: { value: state, reason: `simulated: value ${value}`, timestamp: now },
        previousState: { value: previous, reason: 'simulated', timestamp: now },
        configuration: {
          description: alarm.AlarmDescription,
          metrics: [
            {
              id: 'm1',
              metricStat: { metric: { namespace: alarm.Namespace, name: alarm.MetricName, dimensions }, period: alarm.Period, stat: alarm.Statistic },
              returnData: true,
            },
          ],
        },
      },
    });
  }
}

function toInstanceInformation(node: SimulatedNode): InstanceInformation {
  return {
    InstanceId: node.instanceId,
    PingStatus: node.pingStatus as InstanceInformation['PingStatus'],
    LastPingDateTime: new Date('2025-01-07T04:40:00Z'),
    AgentVersion: node.agentVersion ?? '3.3.1142.0',
    PlatformType: (node.platformType ?? 'Linux') as InstanceInformation['PlatformType'],
    PlatformName: node.platformName ?? 'Amazon Linux',
    ResourceType: 'EC2Instance',
  };
}

function page<T>(items: readonly T[], token: string | undefined, size: number, field: string) {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { [field]: items.slice(start, end), NextToken: end < items.length ? String(end) : undefined };
}

function metricKey(namespace: string, name: string, dimensions: { Name?: string; Value?: string }[]): string {
  const sorted = [...dimensions].sort((a, b) => a.Name!.localeCompare(b.Name!)).map((d) => ({ Name: d.Name, Value: d.Value }));
  return JSON.stringify({ namespace, name, dimensions: sorted });
}

/** A fleet of `count` nodes with instance IDs i-00000000000000001, ... and the given status. */
export function fleetOf(count: number, pingStatus = 'Online'): SimulatedNode[] {
  return Array.from({ length: count }, (_, index) => ({ instanceId: `i-${String(index + 1).padStart(17, '0')}`, pingStatus }));
}
