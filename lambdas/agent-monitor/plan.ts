import type { MetricAlarm, MetricDatum, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import {
  CONNECTION_LOST_METRIC,
  INSTANCE_ID_DIMENSION,
  MANAGED_NODES_METRIC,
  MONITOR_RUNS_METRIC,
  PING_STATUS_DIMENSION,
} from '../../contract/agent-metrics';
import { FLEET_PING_STATUSES, KNOWN_PING_STATUSES, type FleetPingStatus } from '../../contract/ping-statuses';

/** CloudWatch accepts at most this many values in one PutMetricData call. */
export const MAX_DATA_PER_PUT = 1000;
/** DeleteAlarms accepts at most this many names in one call. */
export const MAX_ALARMS_PER_DELETE = 100;

/** One managed node as the monitor sees it. */
export interface ManagedNode {
  instanceId: string;
  pingStatus: string;
}

/** What the monitor must do this run. */
export interface MonitorPlan {
  /** Alarms to create, and alarms whose definition changed, to put. */
  put: PutMetricAlarmInput[];
  /** Names of alarms of nodes that left, in batches DeleteAlarms accepts. */
  deleteBatches: string[][];
  /** Data to publish, in batches PutMetricData accepts. */
  metricBatches: MetricDatum[][];
  /** Nodes whose ping status is not one AWS documents. */
  unknownStatuses: ManagedNode[];
  fleet: Record<FleetPingStatus, number>;
}

export interface PlanSettings {
  namespace: string;
  alarmNamePrefix: string;
}

/** True only for `Online`: every other status, known or not, means the agent cannot be reached. */
export function isOnline(pingStatus: string): boolean {
  return pingStatus === 'Online';
}

/** The alarm of one node: ALARM as soon as one minute reports its agent not online. */
export function alarmFor(instanceId: string, settings: PlanSettings): PutMetricAlarmInput {
  return {
    AlarmName: `${settings.alarmNamePrefix}${instanceId}`,
    AlarmDescription: `SSM Agent of ${instanceId} is not online (ssm-agent-ops)`,
    Namespace: settings.namespace,
    MetricName: CONNECTION_LOST_METRIC,
    Dimensions: [{ Name: INSTANCE_ID_DIMENSION, Value: instanceId }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    // The monitor only publishes for nodes that need a decision (see planRun), so no data means
    // "nothing new": keep the state. A stopped monitor is caught by the heartbeat alarm instead.
    TreatMissingData: 'ignore',
  };
}

/**
 * Decides one run from a complete read of the fleet and of the existing alarms. Alarms are created,
 * updated or deleted only on change. A node's datapoint is published only when its alarm needs a
 * decision: while the node is not online, or while its alarm is not yet OK. Online nodes whose alarm
 * is OK cost nothing, which is what keeps custom-metric charges near zero for a healthy fleet.
 */
export function planRun(nodes: readonly ManagedNode[], existing: readonly MetricAlarm[], settings: PlanSettings, at: Date): MonitorPlan {
  const existingByName = new Map(existing.map((alarm) => [alarm.AlarmName, alarm]));
  const fleet = Object.fromEntries(FLEET_PING_STATUSES.map((status) => [status, 0])) as MonitorPlan['fleet'];
  const put: PutMetricAlarmInput[] = [];
  const data: MetricDatum[] = [];
  const unknownStatuses: ManagedNode[] = [];
  const wanted = new Set<string>();

  for (const node of nodes) {
    const known = (KNOWN_PING_STATUSES as readonly string[]).includes(node.pingStatus);
    if (!known) unknownStatuses.push(node);
    fleet[known ? (node.pingStatus as keyof MonitorPlan['fleet']) : 'Other'] += 1;

    const desired = alarmFor(node.instanceId, settings);
    wanted.add(desired.AlarmName!);
    const current = existingByName.get(desired.AlarmName);
    if (!current || !sameDefinition(current, desired)) put.push(desired);

    const online = isOnline(node.pingStatus);
    if (!online || current?.StateValue !== 'OK') {
      data.push({
        MetricName: CONNECTION_LOST_METRIC,
        Dimensions: [{ Name: INSTANCE_ID_DIMENSION, Value: node.instanceId }],
        Value: online ? 0 : 1,
        Unit: 'Count',
        Timestamp: at,
      });
    }
  }

  for (const status of FLEET_PING_STATUSES) {
    data.push({ MetricName: MANAGED_NODES_METRIC, Dimensions: [{ Name: PING_STATUS_DIMENSION, Value: status }], Value: fleet[status], Unit: 'Count', Timestamp: at });
  }
  // Last, so that the heartbeat is only published with the final batch of a run.
  data.push({ MetricName: MONITOR_RUNS_METRIC, Value: 1, Unit: 'Count', Timestamp: at });

  const leftovers = existing
    .map((alarm) => alarm.AlarmName)
    .filter((name): name is string => !!name && name.startsWith(settings.alarmNamePrefix) && !wanted.has(name));

  return {
    put,
    deleteBatches: chunk(leftovers, MAX_ALARMS_PER_DELETE),
    metricBatches: chunk(data, MAX_DATA_PER_PUT),
    unknownStatuses,
    fleet,
  };
}

/** Whether an existing alarm already has the definition the monitor would give it. */
function sameDefinition(current: MetricAlarm, desired: PutMetricAlarmInput): boolean {
  const dimensions = (alarm: { Dimensions?: { Name?: string; Value?: string }[] }) =>
    JSON.stringify((alarm.Dimensions ?? []).map((dimension) => [dimension.Name, dimension.Value]));
  return (
    current.AlarmDescription === desired.AlarmDescription &&
    current.Namespace === desired.Namespace &&
    current.MetricName === desired.MetricName &&
    dimensions(current) === dimensions(desired) &&
    current.Statistic === desired.Statistic &&
    current.Period === desired.Period &&
    current.EvaluationPeriods === desired.EvaluationPeriods &&
    current.DatapointsToAlarm === desired.DatapointsToAlarm &&
    current.Threshold === desired.Threshold &&
    current.ComparisonOperator === desired.ComparisonOperator &&
    current.TreatMissingData === desired.TreatMissingData &&
    (current.AlarmActions ?? []).length === 0 &&
    (current.OKActions ?? []).length === 0
  );
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}
