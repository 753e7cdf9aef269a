import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import { CONNECTION_LOST_METRIC, INSTANCE_ID_DIMENSION, MANAGED_NODES_METRIC, PING_STATUS_DIMENSION, WATCH_RUNS_METRIC } from '../../contract/agent-metrics';
import { FLEET_PING_STATUSES, KNOWN_PING_STATUSES, type FleetPingStatus } from '../../contract/ping-statuses';
import { isStoppedState } from '../shared/alert-notes';
import type { InstanceFacts } from '../shared/instance-facts';
import type { NodeStatus } from '../shared/managed-nodes';
import type { InventoryState, NodeRecord } from '../shared/node-registry';

/** Why a node that looks like a transition gets no value this run. */
export type HoldReason =
  /** Not online, but the inventory has not seen the node yet (it joined within the last minutes). */
  | 'not-in-registry'
  /** Not online, but it has left scope (its alarm is being deleted). */
  | 'left'
  /** Not online, but its alarm does not exist yet (or the node is not in scope). */
  | 'no-alarm'
  /** In ALARM and asked about by ID: Systems Manager does not list it as a managed node now. */
  | 'not-a-managed-node'
  /** In ALARM and asked about by ID: its ping status is one AWS does not document. */
  | 'unknown-status'
  /** In ALARM and asked about by ID: still not online (it changed between the reads). */
  | 'not-online'
  /** Not online, and its EC2 instance is stopping, stopped, shutting down or terminated: not a lost connection. */
  | 'stopped'
  /** Not online, and its EC2 instance started within the grace period (or is still pending). */
  | 'starting'
  /** Not online, and its instance carries the mute tag: watched, never mailed. */
  | 'muted'
  /** Not online, and EC2 does not know the instance (yet, or any more): judged when it does. */
  | 'not-in-ec2'
  /** Not online, and what EC2 says about the instance could not be read this run. */
  | 'ec2-unread';

/** What one run of the watch observed. */
export interface WatchObservation {
  /** Nodes Systems Manager lists as not online. */
  notOnline: readonly NodeStatus[];
  /** Whether `notOnline` is every node not online (no page missing). */
  notOnlineComplete: boolean;
  /** Nodes whose alarm is in ALARM. */
  alarmed: ReadonlySet<string>;
  /** The registry's records of the lost candidates. */
  records: ReadonlyMap<string, NodeRecord>;
  /**
   * What Systems Manager says now about the recovery candidates it knows; a candidate missing here is
   * not a managed node now. Undefined when they could not be asked this run: recoveries then wait.
   */
  confirmations: ReadonlyMap<string, NodeStatus> | undefined;
  /** The inventory's state, when there is one. */
  state?: InventoryState;
  /**
   * What EC2 says about the EC2 instances among the nodes to judge: `null` for an instance EC2 does
   * not know, absent for one that could not be read this run.
   */
  instances?: ReadonlyMap<string, InstanceFacts | null>;
  /** The mute tag, the start grace period, and the time of the run. */
  judging?: { muteTag: { key: string; value: string }; startGraceMs: number; at: Date };
}

export interface WatchDecision {
  /** Nodes that get a 1: not online, alarm not in ALARM. */
  lost: string[];
  /** Nodes that get a 0: alarm in ALARM, confirmed Online by ID. */
  recovered: string[];
  /** Nodes that get a 0: alarm in ALARM, and their EC2 instance is not running (its state). */
  stopped: { instanceId: string; state: string }[];
  /** Nodes among `lost` and `recovered` that carry the mute tag. */
  muted: Set<string>;
  held: { instanceId: string; reason: HoldReason; pingStatus?: string }[];
  /** Nodes in scope by ping status, when the run can count them. */
  counts?: Record<FleetPingStatus, number>;
}

/** Nodes not online whose alarm is not in ALARM: they may need a 1. */
export function lostCandidates(notOnline: readonly NodeStatus[], alarmed: ReadonlySet<string>): string[] {
  return [...new Set(notOnline.map((node) => node.instanceId))].filter((id) => !alarmed.has(id)).sort();
}

/**
 * Nodes in ALARM that Systems Manager no longer lists as not online: they may have recovered, which
 * only a read by ID saying `Online` proves. Nothing when the not-online read was incomplete: a node
 * missing from a partial read proves nothing.
 */
export function recoveryCandidates(notOnline: readonly NodeStatus[], complete: boolean, alarmed: ReadonlySet<string>): string[] {
  if (!complete) return [];
  const lost = new Set(notOnline.map((node) => node.instanceId));
  return [...alarmed].filter((id) => !lost.has(id)).sort();
}

/**
 * Decides one run. A 1 goes to a node not online whose alarm exists and is not in ALARM; a 0 only to
 * a node in ALARM that Systems Manager reports `Online` when asked by ID. A node missing from a read,
 * a node no longer registered, or a node with an unknown status never gets a 0: its alarm stays as it is.
 */
export function decide(observation: WatchObservation): WatchDecision {
  const decision: WatchDecision = { lost: [], recovered: [], stopped: [], muted: new Set(), held: [] };
  const statusOf = new Map(observation.notOnline.map((node) => [node.instanceId, node.pingStatus]));
  const judging = observation.judging;
  const instances = observation.instances ?? new Map<string, InstanceFacts | null>();
  const isMuted = (id: string): boolean => {
    if (!judging) return false;
    const facts = instances.get(id);
    const tags = facts ? facts.tags : observation.records.get(id)?.tags;
    return tags?.[judging.muteTag.key] === judging.muteTag.value;
  };
  /** Why an EC2 instance's connection is not judged now, if there is a reason. */
  const notJudged = (id: string): HoldReason | undefined => {
    if (!judging || !isEc2Node(id)) return undefined;
    if (!instances.has(id)) return 'ec2-unread';
    const facts = instances.get(id);
    if (!facts) return 'not-in-ec2';
    if (isStoppedState(facts.state)) return 'stopped';
    if (facts.state !== 'running') return 'starting';
    if (facts.launchedAt && judging.at.getTime() - facts.launchedAt.getTime() < judging.startGraceMs) return 'starting';
    return undefined;
  };
  /** The EC2 state of an instance that is no longer running (or gone from EC2), else undefined. */
  const stoppedState = (id: string): string | undefined => {
    if (!judging || !isEc2Node(id) || !instances.has(id)) return undefined;
    const facts = instances.get(id);
    if (!facts) return 'terminated';
    return isStoppedState(facts.state) ? facts.state : undefined;
  };

  for (const id of lostCandidates(observation.notOnline, observation.alarmed)) {
    const record = observation.records.get(id);
    const pingStatus = statusOf.get(id);
    const reason = !record ? 'not-in-registry' : record.departedAt ? 'left' : record.alarm === undefined ? 'no-alarm' : (notJudged(id) ?? (isMuted(id) ? 'muted' : undefined));
    if (reason) decision.held.push({ instanceId: id, reason, pingStatus });
    else decision.lost.push(id);
  }

  // A node in ALARM whose instance was stopped afterwards: one "stopped" mail, and its alarm goes back to OK.
  for (const id of [...observation.alarmed].filter((alarmedId) => statusOf.has(alarmedId)).sort()) {
    const state = stoppedState(id);
    if (state) decision.stopped.push({ instanceId: id, state });
  }

  const confirmations = observation.confirmations;
  for (const id of confirmations ? recoveryCandidates(observation.notOnline, observation.notOnlineComplete, observation.alarmed) : []) {
    const now = confirmations!.get(id);
    const state = now?.pingStatus === 'Online' ? undefined : stoppedState(id);
    if (state) decision.stopped.push({ instanceId: id, state });
    else if (!now) decision.held.push({ instanceId: id, reason: 'not-a-managed-node' });
    else if (now.pingStatus === 'Online') decision.recovered.push(id);
    else if (!(KNOWN_PING_STATUSES as readonly string[]).includes(now.pingStatus)) decision.held.push({ instanceId: id, reason: 'unknown-status', pingStatus: now.pingStatus });
    else decision.held.push({ instanceId: id, reason: 'not-online', pingStatus: now.pingStatus });
  }
  for (const id of [...decision.recovered, ...decision.stopped.map((node) => node.instanceId)]) if (isMuted(id)) decision.muted.add(id);

  if (observation.notOnlineComplete && observation.state) decision.counts = countNodes(observation, statusOf);
  return decision;
}

/**
 * Nodes with an alarm by ping status: those not online from this run's read, those with a status AWS
 * does not document from the inventory's sweep, and the rest of the registered nodes as Online.
 */
function countNodes(observation: WatchObservation, statusOf: ReadonlyMap<string, string>): Record<FleetPingStatus, number> {
  const counts = Object.fromEntries(FLEET_PING_STATUSES.map((status) => [status, 0])) as Record<FleetPingStatus, number>;
  for (const [id, status] of statusOf) {
    const record = observation.records.get(id);
    const watched = observation.alarmed.has(id) || (record !== undefined && !record.departedAt && record.alarm !== undefined);
    if (!watched) continue;
    counts[(KNOWN_PING_STATUSES as readonly string[]).includes(status) && status !== 'Online' ? (status as FleetPingStatus) : 'Other'] += 1;
  }
  const state = observation.state!;
  counts.Other += state.counts.unknownStatus;
  counts.Online = Math.max(0, state.counts.registered - counts.ConnectionLost - counts.Inactive - counts.Other);
  return counts;
}

/** The values of one run: per-node values first, then the fleet counts; the heartbeat is separate (see `heartbeat`). */
export function metricData(decision: WatchDecision, at: Date): MetricDatum[] {
  const node = (instanceId: string, value: number): MetricDatum => ({
    MetricName: CONNECTION_LOST_METRIC,
    Dimensions: [{ Name: INSTANCE_ID_DIMENSION, Value: instanceId }],
    Value: value,
    Unit: 'Count',
    Timestamp: at,
  });
  const data = [...decision.lost.map((id) => node(id, 1)), ...decision.recovered.map((id) => node(id, 0)), ...decision.stopped.map((stopped) => node(stopped.instanceId, 0))];
  if (decision.counts) {
    for (const status of FLEET_PING_STATUSES) {
      data.push({ MetricName: MANAGED_NODES_METRIC, Dimensions: [{ Name: PING_STATUS_DIMENSION, Value: status }], Value: decision.counts[status], Unit: 'Count', Timestamp: at });
    }
  }
  return data;
}

/** Whether a managed node is an EC2 instance (hybrid nodes, `mi-…`, keep being judged by their ping alone). */
export function isEc2Node(id: string): boolean {
  return id.startsWith('i-');
}

/**
 * The EC2 instances whose facts a run needs: lost candidates (to tell a stop, a start or a mute from
 * a lost connection), nodes in ALARM that are still not online (stopped since?), and nodes in ALARM
 * that left the not-online list (recovered, or stopped and so no longer listed).
 */
export function instancesToJudge(lost: readonly string[], notOnline: readonly NodeStatus[], alarmed: ReadonlySet<string>, recovering: readonly string[]): { fresh: string[]; now: string[]; alarmed: string[] } {
  const alarmedNotOnline = notOnline.map((node) => node.instanceId).filter((id) => alarmed.has(id));
  return {
    fresh: lost.filter(isEc2Node),
    // A recovery or a stop is mailed (or not, when muted) as EC2 describes the instance now.
    now: recovering.filter(isEc2Node),
    alarmed: alarmedNotOnline.filter(isEc2Node).sort(),
  };
}

/** The watch's heartbeat: published last, and only by a run that read every node not online. */
export function heartbeat(at: Date): MetricDatum {
  return { MetricName: WATCH_RUNS_METRIC, Value: 1, Unit: 'Count', Timestamp: at };
}
