import type { NodeRecord } from '../shared/node-registry';
import {
  compareVersions,
  isMuted,
  isUpdateTarget,
  nodeCondition,
  startedBefore,
  type AssociationFacts,
  type ClassificationSettings,
  type FleetFacts,
  type ManagedNodeInfo,
  type NodeCondition,
  type NodeResult,
} from './fleet-facts';
import { weekFailures } from './gathering-plan';

/** ListMetrics' RecentlyActive window: a node started more recently than this cannot be silent yet. */
export const RECENT_METRICS_MINUTES = 3 * 60;

/** What a node in a list is known by. */
export interface ListedNode {
  id: string;
  name?: string;
  platform?: string;
  agentVersion?: string;
}

/** The last result of an update on a node: succeeded, failed (with its status), or never ran (offline, or not targeted). */
export type UpdateResult =
  | { kind: 'succeeded' }
  | { kind: 'failed'; status: string; detailedStatus?: string }
  | { kind: 'not-run' }
  | { kind: 'not-targeted' };

export interface OutdatedNode extends ListedNode {
  result: UpdateResult;
}
export interface NodeWithResult extends ListedNode {
  result: NodeResult;
}
export interface NodeWithCondition extends ListedNode {
  /** EC2 state or ping status, whichever explains the condition. */
  detail?: string;
}

/** The kinds of lists the report has; each has its own heading, runbook section and console link. */
export type ListKind =
  | 'outdated-ssm-agent'
  | 'untargeted'
  | 'tagged-unmanaged'
  | 'cloudwatch-agent-not-succeeded'
  | 'cloudwatch-agent-silent'
  | NodeCondition;

/** The report's content, language-neutral: counts, and every list in full (shortening comes later). */
export interface FleetReport {
  generatedAt: Date;
  totals: { registry: number; managed: number; needAttention: number };
  ssmAgent: {
    /** Nodes by agent version, newest first. */
    versions: { version: string; nodes: number; latest: boolean }[];
    latestRunAt?: Date;
    outdated: OutdatedNode[];
  };
  untargeted: ListedNode[];
  /** Tagged EC2 instances that are not managed nodes (running, past the grace period). */
  taggedUnmanaged: ListedNode[];
  cloudWatchAgent: {
    latestRunAt?: Date;
    notSucceeded: NodeWithResult[];
    silent: ListedNode[];
  };
  week: {
    ssmAgentUpdate: ReturnType<typeof weekFailures>;
    cloudWatchAgentUpdate: ReturnType<typeof weekFailures>;
  };
  now: Record<NodeCondition, NodeWithCondition[]>;
  /** Missing nodes left out of the missing list because the tagged-unmanaged list names them already. */
  missingListedAbove: number;
}

const RESULT_ORDER: Record<UpdateResult['kind'], number> = { failed: 0, 'not-run': 1, 'not-targeted': 2, succeeded: 3 };

/**
 * Sorts every node into the lists it belongs to. Healthy nodes end up in none: a node is listed only
 * for something an operator can act on. Muted nodes appear only in the muted list.
 */
export function buildFleetReport(facts: FleetFacts, settings: ClassificationSettings): FleetReport {
  const registry = new Map(facts.records.map((record) => [record.id, record]));
  const listed = (id: string, info?: ManagedNodeInfo): ListedNode => {
    const record = registry.get(id);
    return withoutUndefined({ id, name: record?.name ?? info?.name, platform: info?.platformType ?? record?.platform, agentVersion: info?.agentVersion });
  };
  const muted = (id: string) => isMuted(registry.get(id), settings);
  const managed = [...facts.managed.values()];

  // SSM Agent: versions of every managed node; the outdated ones since the last run.
  const versionCounts = new Map<string, number>();
  for (const node of managed) versionCounts.set(node.agentVersion ?? '?', (versionCounts.get(node.agentVersion ?? '?') ?? 0) + 1);
  const latestVersion = newestLatestVersion(managed);
  const versions = [...versionCounts]
    .map(([version, nodes]) => ({ version, nodes, latest: version === latestVersion }))
    .sort((a, b) => compareVersions(b.version, a.version));
  const lastSsmRun = facts.ssmAgent.latestRun;
  const outdated = managed
    .filter((node) => !muted(node.id) && isOutdated(node, latestVersion))
    // A node that registered after the last run has not had its chance yet.
    .filter((node) => !lastSsmRun || !node.registeredAt || node.registeredAt.getTime() <= lastSsmRun.createdAt.getTime())
    .map((node) => ({ ...listed(node.id, node), result: updateResult(node.id, facts.ssmAgent, isUpdateTarget(registry.get(node.id), settings)) }))
    .sort((a, b) => RESULT_ORDER[a.result.kind] - RESULT_ORDER[b.result.kind] || byId(a, b));

  const untargeted = managed
    .filter((node) => !muted(node.id) && isUpdateTarget(registry.get(node.id), settings) === false)
    .map((node) => listed(node.id, node))
    .sort(byId);

  const isRunningPastGrace = (record: NodeRecord) => record.state === 'running' && startedBefore(record, facts.now, settings.startGraceMinutes);
  const taggedUnmanaged = facts.records
    .filter((record) => record.kind === 'ec2' && !record.registered && !record.departedAt && isRunningPastGrace(record) && !isMuted(record, settings))
    .filter((record) => isUpdateTarget(record, settings) === true)
    .map((record) => listed(record.id))
    .sort(byId);

  // CloudWatch Agent: the nodes whose last update did not succeed, and targeted nodes that are silent.
  const notSucceeded = [...facts.cloudWatchAgent.notSucceeded]
    .filter(([id]) => !muted(id))
    .map(([id, result]) => ({ ...listed(id, facts.managed.get(id)), result }))
    .sort(byId);
  const silent = managed
    .filter((node) => node.pingStatus === 'Online' && !muted(node.id) && !facts.reportingInstances.has(node.id))
    .filter((node) => {
      const record = registry.get(node.id);
      if (!record || isUpdateTarget(record, settings) !== true) return false;
      return record.kind === 'hybrid' || (record.state === 'running' && startedBefore(record, facts.now, RECENT_METRICS_MINUTES));
    })
    .map((node) => listed(node.id, node))
    .sort(byId);

  // Now: each node in the registry in at most one of the condition lists.
  const now: Record<NodeCondition, NodeWithCondition[]> = { lost: [], stopped: [], muted: [], missing: [] };
  const taggedIds = new Set(taggedUnmanaged.map((node) => node.id));
  let missingListedAbove = 0;
  for (const stored of facts.records) {
    if (stored.departedAt && stored.state !== 'terminated') continue;
    // The registry's ping status may be a sweep period old; Systems Manager's, read just now, wins.
    const live = facts.managed.get(stored.id);
    const record = live ? { ...stored, registered: true, ping: live.pingStatus ?? stored.ping } : stored;
    const condition = nodeCondition(record, settings, facts.now);
    if (!condition) continue;
    if (condition === 'missing' && taggedIds.has(record.id)) {
      missingListedAbove += 1;
      continue;
    }
    const detail = condition === 'lost' ? record.ping : condition === 'stopped' ? record.state : undefined;
    now[condition].push(withoutUndefined({ ...listed(record.id, facts.managed.get(record.id)), detail }));
  }
  for (const list of Object.values(now)) list.sort(byId);

  // Stopped and muted nodes are listed for the record; they need nobody unless they should not be stopped or muted.
  const needAttention = new Set([...outdated, ...untargeted, ...taggedUnmanaged, ...notSucceeded, ...silent, ...now.lost, ...now.missing].map((node) => node.id)).size;
  return {
    generatedAt: facts.now,
    totals: { registry: facts.records.length, managed: facts.managed.size, needAttention },
    ssmAgent: { versions, latestRunAt: lastSsmRun?.createdAt, outdated },
    untargeted,
    taggedUnmanaged,
    cloudWatchAgent: { latestRunAt: facts.cloudWatchAgent.latestRun?.createdAt, notSucceeded, silent },
    week: { ssmAgentUpdate: weekFailures(facts.ssmAgent.weekRuns), cloudWatchAgentUpdate: weekFailures(facts.cloudWatchAgent.weekRuns) },
    now,
    missingListedAbove,
  };
}

/** The platform whose nodes report `IsLatestVersion` ("running on your Linux managed node"). */
const REPORTS_LATEST_VERSION = 'Linux';

/**
 * The newest version a Linux node reports as the latest. `IsLatestVersion` means something for Linux
 * nodes only, so Windows and macOS nodes are compared against this version instead.
 */
export function newestLatestVersion(nodes: readonly ManagedNodeInfo[]): string | undefined {
  let newest: string | undefined;
  for (const node of nodes) {
    if (node.platformType !== REPORTS_LATEST_VERSION || node.isLatestVersion !== true || !node.agentVersion) continue;
    if (!newest || compareVersions(node.agentVersion, newest) > 0) newest = node.agentVersion;
  }
  return newest;
}

/** Not the latest agent: as a Linux node says, or (elsewhere, whatever the field says) older than the newest latest version. */
export function isOutdated(node: ManagedNodeInfo, latestVersion: string | undefined): boolean {
  if (node.platformType === REPORTS_LATEST_VERSION && node.isLatestVersion !== undefined) return !node.isLatestVersion;
  return latestVersion !== undefined && node.agentVersion !== undefined && compareVersions(node.agentVersion, latestVersion) < 0;
}

/** The node's last update result: from the latest run's failures and known successes, else never ran. */
export function updateResult(id: string, association: AssociationFacts, targeted: boolean | undefined): UpdateResult {
  const failed = association.notSucceeded.get(id);
  if (failed) return withoutUndefined({ kind: 'failed' as const, status: failed.status, detailedStatus: failed.detailedStatus });
  if (association.succeeded.has(id)) return { kind: 'succeeded' };
  return targeted === false ? { kind: 'not-targeted' } : { kind: 'not-run' };
}

/**
 * The outdated nodes whose result the failures do not tell: the report asks the latest run whether
 * they succeeded (see `successLookup`).
 */
export function nodesToLookUp(facts: Pick<FleetFacts, 'records' | 'managed'>, association: Pick<AssociationFacts, 'latestRun' | 'notSucceeded'>, settings: ClassificationSettings): string[] {
  const registry = new Map(facts.records.map((record) => [record.id, record]));
  const managed = [...facts.managed.values()];
  const latestVersion = newestLatestVersion(managed);
  const run = association.latestRun;
  if (!run) return [];
  return managed
    .filter((node) => isOutdated(node, latestVersion) && !isMuted(registry.get(node.id), settings) && !association.notSucceeded.has(node.id))
    .filter((node) => !node.registeredAt || node.registeredAt.getTime() <= run.createdAt.getTime())
    .filter((node) => isUpdateTarget(registry.get(node.id), settings) !== false)
    .map((node) => node.id)
    .sort();
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
