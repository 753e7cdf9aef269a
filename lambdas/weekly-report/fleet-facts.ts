import type { MissingScope } from '../../contract/shared-variables';
import type { NodeRecord } from '../shared/node-registry';

/** What DescribeInstanceInformation says about one managed node. */
export interface ManagedNodeInfo {
  id: string;
  agentVersion?: string;
  /** Reported for Linux nodes only (the API reference says so); undefined elsewhere. */
  isLatestVersion?: boolean;
  platformType?: string;
  registeredAt?: Date;
  pingStatus?: string;
  /** The name of a hybrid node (EC2 instances' Name tags come from the registry). */
  name?: string;
}

/** One node's result in an association run. */
export interface NodeResult {
  status: string;
  detailedStatus?: string;
}

/** One run (execution) of an association, as DescribeAssociationExecutions lists it. */
export interface AssociationRun {
  executionId: string;
  createdAt: Date;
  status: string;
  /** Nodes by result status, from `ResourceCountByStatus`. */
  counts: Readonly<Record<string, number>>;
}

/** What the report knows about one update association. */
export interface AssociationFacts {
  associationId: string;
  /** The newest finished run, whose per-node results the report reads; undefined when none was found. */
  latestRun?: AssociationRun;
  /** Every node of the latest run that did not succeed, with its result. */
  notSucceeded: ReadonlyMap<string, NodeResult>;
  /** Nodes known to have succeeded in the latest run (those the report needed to know about). */
  succeeded: ReadonlySet<string>;
  /** Runs created in the report's week. */
  weekRuns: readonly AssociationRun[];
}

/** Everything the report is built from, read in one run. */
export interface FleetFacts {
  now: Date;
  /** The node registry (the fleet inventory's view: EC2 state, tags, Name, registration, ping). */
  records: readonly NodeRecord[];
  /** Every managed node Systems Manager lists now, by ID. */
  managed: ReadonlyMap<string, ManagedNodeInfo>;
  ssmAgent: AssociationFacts;
  cloudWatchAgent: AssociationFacts;
  /** Instances that published a metric in the CloudWatch Agent's namespace in the last three hours. */
  reportingInstances: ReadonlySet<string>;
}

/** The settings that decide which node belongs in which list. */
export interface ClassificationSettings {
  updateTargetTag: { key: string; values: readonly string[] };
  muteTag: { key: string; value: string };
  startGraceMinutes: number;
  missingScope: MissingScope;
  /** The registry holds only update targets (agentMonitor.scope update-targets). */
  registryScopedToTargets?: boolean;
}

/** What is true of a node right now that an operator should know: not running, muted, missing or lost. */
export type NodeCondition = 'stopped' | 'muted' | 'missing' | 'lost';

/** EC2 states in which an instance is not running and not about to. */
export const STOPPED_STATES: readonly string[] = ['stopping', 'stopped', 'shutting-down', 'terminated'];
const LOST_PING_STATUSES: readonly string[] = ['ConnectionLost', 'Inactive'];

/**
 * Whether the update associations target the node: true or false from its tags, undefined when its
 * tags are not known (a hybrid node whose tags the inventory does not read).
 */
export function isUpdateTarget(record: NodeRecord | undefined, settings: ClassificationSettings): boolean | undefined {
  if (settings.registryScopedToTargets) return record !== undefined && !record.departedAt;
  if (!record) return undefined;
  if (record.kind === 'hybrid' && record.tags === undefined) return undefined;
  const value = record.tags?.[settings.updateTargetTag.key];
  return value !== undefined && settings.updateTargetTag.values.includes(value);
}

export function isMuted(record: NodeRecord | undefined, settings: ClassificationSettings): boolean {
  return record?.tags?.[settings.muteTag.key] === settings.muteTag.value;
}

/**
 * The node's condition now, from its registry record, first match wins: stopped (EC2 stopping,
 * stopped, shutting down or terminated), muted (the mute tag), missing (a running EC2 instance that
 * is not a managed node, started longer ago than the grace period, in the missing scope), lost
 * (a managed node whose agent is ConnectionLost or Inactive). Undefined for a node that is fine.
 */
export function nodeCondition(record: NodeRecord, settings: ClassificationSettings, now: Date): NodeCondition | undefined {
  if (record.state !== undefined && STOPPED_STATES.includes(record.state)) return 'stopped';
  if (isMuted(record, settings)) return 'muted';
  if (record.kind === 'ec2' && !record.registered && record.state === 'running' && startedBefore(record, now, settings.startGraceMinutes)) {
    if (settings.missingScope === 'all-running') return 'missing';
    if (settings.missingScope === 'update-targets' && isUpdateTarget(record, settings)) return 'missing';
  }
  if (record.registered && record.ping !== undefined && LOST_PING_STATUSES.includes(record.ping)) return 'lost';
  return undefined;
}

/** Whether the instance was last started at least `minutes` before `now` (true when the start is unknown). */
export function startedBefore(record: NodeRecord, now: Date, minutes: number): boolean {
  if (record.launchedAt === undefined) return true;
  const launched = Date.parse(record.launchedAt);
  return Number.isNaN(launched) || now.getTime() - launched >= minutes * 60_000;
}

/**
 * Compares two agent versions (`3.3.1611.0`) part by part as numbers; negative when `a` is older.
 * Parts that are not numbers compare as text, after numbers.
 */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const [x, y] = [left[index] ?? '0', right[index] ?? '0'];
    const [nx, ny] = [Number(x), Number(y)];
    if (Number.isInteger(nx) && Number.isInteger(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
