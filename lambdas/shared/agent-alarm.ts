import { createHash } from 'node:crypto';
import type { MetricAlarm, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import { CONNECTION_LOST_METRIC, INSTANCE_ID_DIMENSION } from '../../contract/agent-metrics';

/** What names and places a node's alarm. */
export interface AgentAlarmSettings {
  namespace: string;
  alarmNamePrefix: string;
}

/** The name of a node's alarm. */
export function agentAlarmName(instanceId: string, settings: Pick<AgentAlarmSettings, 'alarmNamePrefix'>): string {
  return `${settings.alarmNamePrefix}${instanceId}`;
}

/** The node an alarm of the product watches, or undefined for a name outside the prefix. */
export function instanceIdOfAlarm(alarmName: string, settings: Pick<AgentAlarmSettings, 'alarmNamePrefix'>): string | undefined {
  return alarmName.startsWith(settings.alarmNamePrefix) ? alarmName.slice(settings.alarmNamePrefix.length) || undefined : undefined;
}

/** The alarm of one node: ALARM as soon as one minute reports its agent not online. */
export function agentAlarm(instanceId: string, settings: AgentAlarmSettings): PutMetricAlarmInput {
  return {
    AlarmName: agentAlarmName(instanceId, settings),
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
    // The watch publishes only for nodes whose alarm needs a decision, so no data means "nothing
    // new": keep the state. A stopped watch is caught by its heartbeat alarm instead.
    TreatMissingData: 'ignore',
  };
}

/**
 * A short fingerprint of the alarm definition the product writes for every node. The registry keeps
 * it per node: when a new version of the product changes the definition, every node's fingerprint
 * differs and its alarm is written again, paced like any other write, and only then.
 */
export function agentAlarmVersion(settings: AgentAlarmSettings): string {
  // The definition of a placeholder node stands for every node's: only the ID differs between them.
  const text = JSON.stringify(agentAlarm(VERSION_PLACEHOLDER_ID, settings));
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

const VERSION_PLACEHOLDER_ID = 'i-<instance>';

/** Whether an existing alarm already has the definition the product would give it. */
export function hasDefinition(current: MetricAlarm, desired: PutMetricAlarmInput): boolean {
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
    (current.OKActions ?? []).length === 0 &&
    (current.InsufficientDataActions ?? []).length === 0
  );
}
