import type { Context } from 'aws-lambda';
import {
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  paginateDescribeAlarms,
  type CloudWatchClient,
  type MetricAlarm,
  type MetricDatum,
  type PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { paginateDescribeInstanceInformation, type SSMClient } from '@aws-sdk/client-ssm';
import { logger } from '../shared/powertools';
import { planRun, type ManagedNode, type PlanSettings } from './plan';

export interface MonitorSettings extends PlanSettings {
  /** Only nodes with one of these tag values are in scope; all nodes when absent. */
  scopeTag?: { key: string; values: string[] };
}

export interface MonitorDependencies {
  ssm: SSMClient;
  cloudwatch: CloudWatchClient;
  settings: MonitorSettings;
  now?: () => Date;
}

/** What one run did, logged and returned for tests and the bench. */
export interface MonitorRunSummary {
  nodes: number;
  fleet: Record<string, number>;
  alarmsPut: number;
  alarmsDeferred: number;
  alarmsDeleted: number;
  metricData: number;
}

/** DescribeInstanceInformation and DescribeAlarms page sizes: the largest each API accepts. */
const NODES_PER_PAGE = 50;
const ALARMS_PER_PAGE = 100;
/** PutMetricAlarm has a low request quota: a few calls at a time, and none started too late. */
const ALARM_PUT_CONCURRENCY = 3;
const TIME_RESERVED_MS = 10_000;

/**
 * The agent health monitor, bound to its clients. One run reads the whole fleet and every alarm of the
 * product, then publishes metrics and reconciles alarms. If either read fails, the run fails before
 * publishing anything: a partial read must never report nodes as recovered or remove their alarms,
 * and the missing heartbeat makes the failure visible.
 */
export function createMonitor(dependencies: MonitorDependencies) {
  const { ssm, cloudwatch, settings } = dependencies;
  const now = dependencies.now ?? (() => new Date());

  return async function handler(_event: unknown, context: Context): Promise<MonitorRunSummary> {
    logger.addContext(context);
    const at = now();
    const [nodes, alarms] = await Promise.all([readFleet(), readAlarms()]);
    const plan = planRun(nodes, alarms, settings, at);
    for (const node of plan.unknownStatuses) {
      logger.warn('Unknown ping status, treated as not online', { instanceId: node.instanceId, pingStatus: node.pingStatus });
    }

    // Every batch but the last first: the last one carries the heartbeat, which must only be
    // published when the whole run's data was.
    const batches = plan.metricBatches;
    await Promise.all(batches.slice(0, -1).map(publish));
    await publish(batches[batches.length - 1]!);

    for (const names of plan.deleteBatches) await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: names }));
    const deferred = await putAlarms(plan.put, context);

    const summary: MonitorRunSummary = {
      nodes: nodes.length,
      fleet: plan.fleet,
      alarmsPut: plan.put.length - deferred,
      alarmsDeferred: deferred,
      alarmsDeleted: plan.deleteBatches.flat().length,
      metricData: batches.flat().length,
    };
    logger.info('Monitor run complete', { ...summary });
    return summary;
  };

  function publish(batch: MetricDatum[]) {
    return cloudwatch.send(new PutMetricDataCommand({ Namespace: settings.namespace, MetricData: batch }));
  }

  async function readFleet(): Promise<ManagedNode[]> {
    const filters = settings.scopeTag ? [{ Key: `tag:${settings.scopeTag.key}`, Values: settings.scopeTag.values }] : undefined;
    const nodes: ManagedNode[] = [];
    for await (const page of paginateDescribeInstanceInformation({ client: ssm, pageSize: NODES_PER_PAGE }, { Filters: filters })) {
      for (const info of page.InstanceInformationList ?? []) {
        if (info.InstanceId) nodes.push({ instanceId: info.InstanceId, pingStatus: info.PingStatus ?? 'Unknown' });
      }
    }
    return nodes;
  }

  async function readAlarms(): Promise<MetricAlarm[]> {
    const alarms: MetricAlarm[] = [];
    const pages = paginateDescribeAlarms(
      { client: cloudwatch, pageSize: ALARMS_PER_PAGE },
      { AlarmNamePrefix: settings.alarmNamePrefix, AlarmTypes: ['MetricAlarm'] },
    );
    for await (const page of pages) alarms.push(...(page.MetricAlarms ?? []));
    return alarms;
  }

  /** Puts alarms a few at a time until the run's time is nearly up; returns how many are left for the next run. */
  async function putAlarms(alarms: PutMetricAlarmInput[], context: Context): Promise<number> {
    let next = 0;
    const worker = async () => {
      while (next < alarms.length && context.getRemainingTimeInMillis() > TIME_RESERVED_MS) {
        const alarm = alarms[next++]!;
        await cloudwatch.send(new PutMetricAlarmCommand(alarm));
      }
    };
    await Promise.all(Array.from({ length: ALARM_PUT_CONCURRENCY }, worker));
    const deferred = alarms.length - next;
    if (deferred > 0) logger.warn('Alarms left for the next run (PutMetricAlarm quota and run time)', { deferred });
    return deferred;
  }
}
