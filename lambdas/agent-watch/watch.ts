import type { Context } from 'aws-lambda';
import { DescribeAlarmsCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SLICED_READS_METRIC } from '../../contract/agent-metrics';
import type { AgentWatchEnvironmentSettings } from '../../contract/agent-watch-environment';
import { instanceIdOfAlarm } from '../shared/agent-alarm';
import { IDS_PER_QUERY, NODES_PER_PAGE, NOT_ONLINE_STATUSES, readByIds, readPages, type NodeStatus } from '../shared/managed-nodes';
import { publishMetrics } from '../shared/metrics';
import { NodeRegistry, type InventoryState, type NodeRecord } from '../shared/node-registry';
import { logger } from '../shared/powertools';
import { Deadline } from '../shared/run-deadline';
import { TokenBucket } from '../shared/token-bucket';
import { decide, heartbeat, lostCandidates, metricData, recoveryCandidates, type WatchDecision } from './watch-plan';

export type WatchSettings = AgentWatchEnvironmentSettings;

export interface WatchDependencies {
  ssm: SSMClient;
  cloudwatch: CloudWatchClient;
  registry: DynamoDBDocumentClient;
  settings: WatchSettings;
}

/** What one run did, logged and returned (for tests and the bench). */
export interface WatchRunSummary {
  notOnline: number;
  alarmed: number;
  lost: number;
  recovered: number;
  held: number;
  /** `pages`: the status-filtered list read page by page; `sliced`: the known nodes read by ID. */
  mode: 'pages' | 'sliced';
  /** Whether every node not online was read (the heartbeat is published only then). */
  complete: boolean;
  published: boolean;
}

/** Every run ends within this share of the function's time left when it starts. */
export const RUN_SHARE_OF_TIMEOUT = 0.5;
/** Kept at the end of the run for publishing. */
const PUBLISH_RESERVE_MS = 5_000;
/** DescribeInstanceInformation calls in flight at once when reading by ID (no rate is published for it). */
const READ_CONCURRENCY = 8;
/** A storm of nodes not online is read page by page at least this far before reading by ID is considered. */
const MIN_PAGES_BEFORE_SLICING = 20;
/** DescribeAlarms calls per second: under half the account's quota of 9, which the inventory shares. */
const DESCRIBE_ALARMS_PER_SECOND = 4;
/**
 * How long the inventory's state (node counts, registry generation) is reused between runs of a warm
 * container: it changes at most once an inventory period, and the counts it gives may lag that much.
 */
const STATE_REUSE_MS = 10 * 60 * 1000;
/** Registry items per parallel scan when the known nodes are needed (IDs only, but Scan pages count whole items). */
const NODES_PER_SCAN_SEGMENT = 5000;
const MAX_SCAN_SEGMENTS = 16;

/**
 * The agent watch, bound to its clients. Every minute it reads only what can change an alarm: the
 * nodes Systems Manager lists as not online, and the product's alarms in ALARM. A node not online
 * whose alarm is not in ALARM gets a 1; a node in ALARM that is not in that list is asked about by ID
 * and gets a 0 only if it is `Online`. Everything else costs nothing.
 *
 * When AWS serves the status-filtered list in nearly empty pages (it may filter after reading a page
 * of nodes), reading it to the end could take more than the run has; the watch then reads the nodes
 * the registry knows by ID instead, with the same status filter, several calls at a time.
 */
export function createWatch(dependencies: WatchDependencies) {
  const { ssm, cloudwatch, settings } = dependencies;
  const notOnlineFilter = [{ Key: 'PingStatus', Values: [...NOT_ONLINE_STATUSES] }];
  // Kept across runs of a warm container; a cold start reads them again.
  let cachedState: { state?: InventoryState; readAt: number } | undefined;
  let cachedIds: { generation: number; ids: string[] } | undefined;

  return async function handler(_event: unknown, context: Context): Promise<WatchRunSummary> {
    logger.addContext(context);
    const at = new Date();
    const end = Deadline.shareOf(context, RUN_SHARE_OF_TIMEOUT);
    const reads = new Deadline(end.at - PUBLISH_RESERVE_MS);
    const registry = new NodeRegistry(dependencies.registry, settings.registryTable, reads.signal);
    try {
      const alarmedRead = readAlarmed(reads);
      const stateNow = await inventoryState(registry, at);
      const notOnline = await readNotOnline(registry, stateNow, reads);
      const alarmed = await alarmedRead;

      const candidates = lostCandidates(notOnline.nodes, alarmed.ids);
      const stateStale = !cachedState || at.getTime() - cachedState.readAt >= STATE_REUSE_MS;
      const looked = candidates.length > 0 ? await lookUp(registry, candidates, stateStale, reads) : { nodes: new Map<string, NodeRecord>(), state: undefined };
      if (looked.state) cachedState = { state: looked.state, readAt: at.getTime() };
      const recovering = recoveryCandidates(notOnline.nodes, notOnline.complete, alarmed.ids);
      const confirmations = recovering.length === 0 ? new Map<string, NodeStatus>() : reads.passed ? undefined : await confirm(recovering, reads);

      const decision = decide({
        notOnline: notOnline.nodes,
        notOnlineComplete: notOnline.complete,
        alarmed: alarmed.ids,
        records: looked.nodes,
        confirmations,
        state: cachedState?.state ?? stateNow,
      });
      logHeld(decision);

      const extra: MetricDatum[] = notOnline.mode === 'sliced' ? [{ MetricName: SLICED_READS_METRIC, Value: 1, Unit: 'Count', Timestamp: at }] : [];
      const { published } = await publishMetrics(
        cloudwatch,
        settings.namespace,
        [...metricData(decision, at), ...extra],
        notOnline.complete ? [heartbeat(at)] : [],
        end.signal,
      );
      const summary: WatchRunSummary = {
        notOnline: notOnline.nodes.length,
        alarmed: alarmed.ids.size,
        lost: decision.lost.length,
        recovered: decision.recovered.length,
        held: decision.held.length,
        mode: notOnline.mode,
        complete: notOnline.complete,
        published,
      };
      if (!notOnline.complete) logger.error('Not every node not online could be read in time; no heartbeat this run', { ...summary });
      else logger.info('Watch run complete', { ...summary });
      return summary;
    } finally {
      reads.dispose();
      end.dispose();
    }
  };

  /** The inventory's state, reused for a few minutes. */
  async function inventoryState(registry: NodeRegistry, at: Date): Promise<InventoryState | undefined> {
    if (cachedState && at.getTime() - cachedState.readAt < STATE_REUSE_MS) return cachedState.state;
    cachedState = { state: await registry.readState(), readAt: at.getTime() };
    return cachedState.state;
  }

  /** The product's alarms in ALARM, read to the end unless the run's time runs out. */
  async function readAlarmed(deadline: Deadline): Promise<{ ids: Set<string>; complete: boolean }> {
    const pace = new TokenBucket(DESCRIBE_ALARMS_PER_SECOND);
    const ids = new Set<string>();
    let token: string | undefined;
    do {
      if (!(await pace.take(deadline.at))) return { ids, complete: false };
      let page;
      try {
        page = await cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNamePrefix: settings.alarmNamePrefix, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: token }),
          { abortSignal: deadline.signal },
        );
      } catch (error) {
        if (deadline.signal.aborted) return { ids, complete: false };
        throw error;
      }
      for (const alarm of page.MetricAlarms ?? []) {
        const id = alarm.AlarmName ? instanceIdOfAlarm(alarm.AlarmName, settings) : undefined;
        if (id) ids.add(id);
      }
      token = page.NextToken;
    } while (token);
    return { ids, complete: true };
  }

  /**
   * Every node not online. Pages of the status-filtered list first; a page that comes back short while
   * more follow shows that AWS filters after paging, and then (or when the pages alone would take
   * longer than reading by ID) the nodes the registry knows are read by ID with the same filter.
   */
  async function readNotOnline(registry: NodeRegistry, state: InventoryState | undefined, deadline: Deadline): Promise<{ nodes: NodeStatus[]; complete: boolean; mode: WatchRunSummary['mode'] }> {
    const known = state?.counts.registered ?? 0;
    // Reading by ID takes this many rounds of calls; pages beyond that many would take longer.
    const slicedRounds = Math.max(MIN_PAGES_BEFORE_SLICING, Math.ceil(known / IDS_PER_QUERY / READ_CONCURRENCY));
    const paged = await readPages(ssm, notOnlineFilter, {
      signal: deadline.signal,
      stopWhen: ({ size, pages }) => known > 0 && (size < NODES_PER_PAGE || pages >= slicedRounds),
    });
    if (paged.complete || deadline.passed) return { nodes: paged.nodes, complete: paged.complete, mode: 'pages' };

    const ids = await knownIds(registry, state!);
    let byId;
    try {
      byId = await readByIds(ssm, ids, { filters: notOnlineFilter, concurrency: READ_CONCURRENCY, signal: deadline.signal });
    } catch (error) {
      if (deadline.signal.aborted) return { nodes: paged.nodes, complete: false, mode: 'sliced' };
      throw error;
    }
    const nodes = new Map(paged.nodes.map((node) => [node.instanceId, node]));
    for (const node of byId.found.values()) nodes.set(node.instanceId, node);
    return { nodes: [...nodes.values()], complete: true, mode: 'sliced' };
  }

  /** The registered nodes the registry knows, reused while the registry has not changed. */
  async function knownIds(registry: NodeRegistry, state: InventoryState): Promise<string[]> {
    if (cachedIds?.generation === state.generation) return cachedIds.ids;
    const segments = Math.min(MAX_SCAN_SEGMENTS, Math.max(1, Math.ceil(state.counts.nodes / NODES_PER_SCAN_SEGMENT)));
    const records = await registry.scanNodes(segments, ['id', 'registered', 'departedAt']);
    const ids = records.filter((record) => record.registered && !record.departedAt).map((record) => record.id).sort();
    cachedIds = { generation: state.generation, ids };
    return ids;
  }

  /**
   * The registry's records of the lost candidates. When time runs out first, none: their values wait
   * for the next run, which is better than a value for a node that may have no alarm or have left.
   */
  async function lookUp(registry: NodeRegistry, ids: readonly string[], withState: boolean, deadline: Deadline) {
    try {
      return await registry.getNodes(ids, withState);
    } catch (error) {
      if (!deadline.signal.aborted) throw error;
      logger.warn('No time left to look up the nodes not online; their values wait for the next run', { nodes: ids.length });
      return { nodes: new Map<string, NodeRecord>(), state: undefined };
    }
  }

  /** What Systems Manager says now about nodes in ALARM, asked by ID without a status filter. */
  async function confirm(ids: readonly string[], deadline: Deadline): Promise<Map<string, NodeStatus> | undefined> {
    try {
      return (await readByIds(ssm, ids, { concurrency: READ_CONCURRENCY, signal: deadline.signal })).found;
    } catch (error) {
      // Recoveries wait for the next run: a partial answer must not be taken for "not a managed node".
      if (deadline.signal.aborted) return undefined;
      throw error;
    }
  }

  function logHeld(decision: WatchDecision) {
    for (const held of decision.held) {
      if (held.reason === 'unknown-status') logger.warn('Unknown ping status, treated as not online', { instanceId: held.instanceId, pingStatus: held.pingStatus });
    }
    const byReason: Record<string, number> = {};
    for (const held of decision.held) byReason[held.reason] = (byReason[held.reason] ?? 0) + 1;
    if (decision.held.length > 0) logger.info('Nodes left as they are this run', { byReason, sample: decision.held.slice(0, 20) });
  }
}
