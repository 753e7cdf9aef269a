import type { Context } from 'aws-lambda';
import { DescribeAlarmsCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SLICED_READS_METRIC } from '../../contract/agent-metrics';
import type { AgentWatchEnvironmentSettings } from '../../contract/agent-watch-environment';
import { AGENT_DIGEST_DETAIL_TYPE } from '../../contract/events';
import { instanceIdOfAlarm } from '../shared/agent-alarm';
import { AlertNotes, type Direction, type StormState } from '../shared/alert-notes';
import { classifyFailure, describeFailure } from '../shared/aws-errors';
import { readInstanceFacts, type InstanceFacts } from '../shared/instance-facts';
import { originOf, sendToNotifier } from '../shared/notifier-invocation';
import { digestDetail } from '../shared/product-events';
import { IDS_PER_QUERY, NODES_PER_PAGE, NOT_ONLINE_STATUSES, readByIds, readPages, type NodeStatus } from '../shared/managed-nodes';
import { publishMetrics } from '../shared/metrics';
import { NodeRegistry, type InventoryState, type NodeRecord } from '../shared/node-registry';
import { logger } from '../shared/powertools';
import { Deadline } from '../shared/run-deadline';
import { TokenBucket } from '../shared/token-bucket';
import { afterDigest, anyStormOpen, planMail, type MailPlan, type Transition } from './mail-plan';
import { decide, heartbeat, instancesToJudge, lostCandidates, metricData, recoveryCandidates, type WatchDecision } from './watch-plan';

export type WatchSettings = AgentWatchEnvironmentSettings;

export interface WatchDependencies {
  ssm: SSMClient;
  cloudwatch: CloudWatchClient;
  ec2: EC2Client;
  lambda: LambdaClient;
  /** The DynamoDB client of the node registry and the alert notes. */
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
  /** Nodes in ALARM whose instance was stopped: they get a 0 and one "stopped" mail. */
  stopped: number;
  /** Transitions of muted instances (never mailed). */
  muted: number;
  /** Transitions left to digests, and digests handed to the notifier. */
  digested: number;
  digestsSent: number;
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
const READ_CONCURRENCY = 16;
/** A storm of nodes not online is read page by page at least this far before reading by ID is considered. */
const MIN_PAGES_BEFORE_SLICING = 20;
/** DescribeAlarms calls per second: under half the account's quota of 9, which the inventory shares. */
const DESCRIBE_ALARMS_PER_SECOND = 4;
/**
 * How long the inventory's state (node counts, registry generation) is reused between runs of a warm
 * container: it changes at most once an inventory period, and the counts it gives may lag that much.
 */
const STATE_REUSE_MS = 10 * 60 * 1000;
/** Share of the read time the alarms in ALARM may take. */
const ALARMS_SHARE_OF_READS = 0.5;
/** Transitions one run decides and publishes at most; a larger storm takes a few minutes. */
const MAX_TRANSITIONS_PER_RUN = 5000;
/** Kept at the end of the run for publishing the values once their mails are decided. */
const DECIDE_RESERVE_MS = 2_000;
/** DescribeInstances calls in flight at once. */
const EC2_READ_CONCURRENCY = 8;
/** How long what EC2 said about a running instance is reused (a stop is noticed this late at most). */
const RUNNING_FACTS_REUSE_MS = 5 * 60 * 1000;
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
  // What EC2 said, per instance, until when it may be reused; and when each node was first seen not online.
  const factsCache = new Map<string, { facts: InstanceFacts | null; readAt: number; until: number }>();
  const firstSeenNotOnline = new Map<string, number>();
  // Whether a storm was open at the end of the last run; unknown after a cold start (then it is read).
  let stormOpen: boolean | undefined;
  // The value this container last published per node, for ordering a storm's transitions.
  const publishedRecently = new Map<string, { direction: Direction; at: number }>();
  const startGraceMs = settings.startGraceMinutes * 60_000;

  return async function handler(_event: unknown, context: Context): Promise<WatchRunSummary> {
    logger.addContext(context);
    const at = new Date();
    const end = Deadline.shareOf(context, RUN_SHARE_OF_TIMEOUT);
    const reads = new Deadline(end.at - PUBLISH_RESERVE_MS);
    const registry = new NodeRegistry(dependencies.registry, settings.registryTable, reads.signal);
    try {
      // The alarms in ALARM are read for at most part of the run, so that a storm of them (read at 4
      // calls a second) leaves time to decide and publish the nodes that are newly lost.
      const alarmsDeadline = new Deadline(Date.now() + (reads.at - Date.now()) * ALARMS_SHARE_OF_READS);
      const alarmedRead = readAlarmed(alarmsDeadline).finally(() => alarmsDeadline.dispose());
      const stateNow = await inventoryState(registry, at);
      const notOnline = await readNotOnline(registry, stateNow, reads);
      const alarmed = await alarmedRead;
      if (!alarmed.complete) {
        // Nodes this container sent to ALARM minutes ago count as in ALARM (a 1 again would change nothing).
        for (const [id, value] of publishedRecently) if (value.direction === 'lost') alarmed.ids.add(id);
        logger.warn('Not every alarm in ALARM could be read in time; recoveries of the unread ones wait', { read: alarmed.ids.size });
      }

      const candidates = lostCandidates(notOnline.nodes, alarmed.ids);
      const stateStale = !cachedState || at.getTime() - cachedState.readAt >= STATE_REUSE_MS;
      const looked = candidates.length > 0 ? await lookUp(registry, candidates, stateStale, reads) : { nodes: new Map<string, NodeRecord>(), state: undefined };
      if (looked.state) cachedState = { state: looked.state, readAt: at.getTime() };
      const recovering = recoveryCandidates(notOnline.nodes, notOnline.complete, alarmed.ids);
      const confirmations = recovering.length === 0 ? new Map<string, NodeStatus>() : reads.passed ? undefined : await confirm(recovering, reads);

      noteFirstSeen(notOnline.nodes, notOnline.complete, at);
      const withAlarm = candidates.filter((id) => {
        const record = looked.nodes.get(id);
        return record !== undefined && !record.departedAt && record.alarm !== undefined;
      });
      const judged = instancesToJudge(withAlarm, notOnline.nodes, alarmed.ids, confirmations ? recovering : []);
      const instances = await instanceFacts(judged, at, reads);

      const decision = decide({
        notOnline: notOnline.nodes,
        notOnlineComplete: notOnline.complete,
        alarmed: alarmed.ids,
        records: looked.nodes,
        confirmations,
        state: cachedState?.state ?? stateNow,
        instances,
        judging: { muteTag: settings.muteTag, startGraceMs, at },
      });
      logHeld(decision);

      const all = transitionsOf(decision, notOnline.nodes, confirmations, instances, looked.nodes);
      // A storm of tens of thousands of nodes is decided a slice a minute: each slice's notes are
      // written before its values are published, and the rest are still transitions next minute.
      // Nodes this container already gave the same value to come last: while a storm's alarms in ALARM
      // cannot all be read within a run, they look like transitions again, and must not crowd out new ones.
      const recent = (transition: Transition) => publishedRecently.get(transition.instanceId)?.direction === transition.direction ? 1 : 0;
      const transitions = (all.length > MAX_TRANSITIONS_PER_RUN ? [...all].sort((left, right) => recent(left) - recent(right)) : all).slice(0, MAX_TRANSITIONS_PER_RUN);
      let decided = onlyThese(decision, transitions);
      if (transitions.length < all.length) logger.warn('More transitions than one run decides; the rest wait for the next run', { transitions: all.length, decided: transitions.length });
      let mail: MailPlan | undefined;
      // Deciding may use the run's time up to the publish reserve's last seconds: without it no value moves.
      const deciding = new Deadline(end.at - DECIDE_RESERVE_MS);
      try {
        mail = await decideMail(transitions, at, deciding);
      } catch (error) {
        if (!deciding.signal.aborted) throw error;
        // No value may move an alarm before its mail is decided: these nodes wait for the next run.
        logger.warn('No time left to decide the mails of this run\'s transitions; they wait for the next run', { transitions: transitions.length });
        decided = { ...decision, lost: [], recovered: [], stopped: [] };
      } finally {
        deciding.dispose();
      }
      const digests = await sendDigests(mail, at, end, context);

      const extra: MetricDatum[] = notOnline.mode === 'sliced' ? [{ MetricName: SLICED_READS_METRIC, Value: 1, Unit: 'Count', Timestamp: at }] : [];
      const { published } = await publishMetrics(
        cloudwatch,
        settings.namespace,
        [...metricData(decided, at), ...extra],
        notOnline.complete ? [heartbeat(at)] : [],
        end.signal,
      );
      if (published) for (const transition of transitions) publishedRecently.set(transition.instanceId, { direction: transition.direction, at: at.getTime() });
      for (const [id, value] of publishedRecently) if (at.getTime() - value.at > STATE_REUSE_MS) publishedRecently.delete(id);
      if (digests.refused) throw digests.refused;
      const summary: WatchRunSummary = {
        notOnline: notOnline.nodes.length,
        alarmed: alarmed.ids.size,
        lost: decided.lost.length,
        recovered: decided.recovered.length,
        held: decision.held.length,
        stopped: decided.stopped.length,
        muted: transitions.filter((transition) => transition.muted).length,
        digested: [...(mail?.decisions.values() ?? [])].filter((note) => note.decision === 'digest').length,
        digestsSent: digests.sent,
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

  /** Remembers when each node was first seen not online: what EC2 said before that is not reused for it. */
  function noteFirstSeen(nodes: readonly NodeStatus[], complete: boolean, at: Date) {
    const now = new Set(nodes.map((node) => node.instanceId));
    for (const id of now) if (!firstSeenNotOnline.has(id)) firstSeenNotOnline.set(id, at.getTime());
    if (complete) for (const id of [...firstSeenNotOnline.keys()]) if (!now.has(id)) firstSeenNotOnline.delete(id);
  }

  /**
   * What EC2 says about the instances to judge: read for every lost candidate first seen not online
   * since it was last read (an inventory snapshot or an earlier read may predate its stop), reused
   * otherwise while it holds. A stopped instance's answer is reused for the start grace period: an
   * instance started within that time would not be judged yet anyway. Instances that could not be
   * read are absent (the run holds them); a refused read fails the run.
   */
  async function instanceFacts(judged: { fresh: string[]; now: string[]; alarmed: string[] }, at: Date, deadline: Deadline): Promise<Map<string, InstanceFacts | null>> {
    const now = at.getTime();
    const result = new Map<string, InstanceFacts | null>();
    const toRead: string[] = [];
    const fresh = new Set(judged.fresh);
    const readNow = new Set(judged.now);
    for (const id of [...new Set([...judged.fresh, ...judged.now, ...judged.alarmed])]) {
      const cached = factsCache.get(id);
      const seen = firstSeenNotOnline.get(id) ?? 0;
      const usable = !readNow.has(id) && cached && now < cached.until && (!fresh.has(id) || cached.readAt >= seen);
      if (usable) result.set(id, cached.facts);
      else toRead.push(id);
    }
    for (const [id, cached] of factsCache) if (now >= cached.until) factsCache.delete(id);
    if (toRead.length === 0 || deadline.passed) return result;
    try {
      const { facts } = await readInstanceFacts(dependencies.ec2, toRead.sort(), { concurrency: EC2_READ_CONCURRENCY, signal: deadline.signal });
      for (const id of toRead) {
        const read = facts.get(id) ?? null;
        result.set(id, read);
        factsCache.set(id, { facts: read, readAt: now, until: reuseUntil(read, now) });
      }
    } catch (error) {
      if (!deadline.signal.aborted && classifyFailure(error) === 'refused') throw error;
      logger.warn('What EC2 says about the instances to judge could not be read; they wait for the next run', { instances: toRead.length, ...describeFailure(error) });
    }
    return result;
  }

  function reuseUntil(facts: InstanceFacts | null, now: number): number {
    if (!facts || facts.state === 'pending') return now;
    if (facts.state !== 'running') return now + Math.max(60_000, startGraceMs);
    const graceEnds = facts.launchedAt ? facts.launchedAt.getTime() + startGraceMs : 0;
    return graceEnds > now ? graceEnds : now + RUNNING_FACTS_REUSE_MS;
  }

  /**
   * Decides how each transition is mailed and writes those decisions (and the storm state) before any
   * value is published, so that the notifier finds them when the alarms move. Runs without transitions
   * read nothing unless a storm is open (its digests may be due). A failure to write fails the run
   * before any value is published: the next run decides again.
   */
  async function decideMail(transitions: Transition[], at: Date, deadline: Deadline): Promise<MailPlan | undefined> {
    if (transitions.length === 0 && stormOpen === false) return undefined;
    const notes = new AlertNotes(dependencies.registry, settings.notesTable, deadline.signal);
    const { notes: existing, storms } = await notes.read(
      transitions.map((transition) => transition.instanceId),
      true,
    );
    const plan = planMail(transitions, existing, storms, settings.storm, at);
    await notes.write(plan.notes, plan.storms, at);
    stormOpen = anyStormOpen(plan.states);
    return plan;
  }

  /**
   * Hands every digest that is due to the notifier, each once its window has closed, and marks it
   * done in the storm state. A digest that could not be handed over stays due for the next run, which
   * hands over the same digest ID (the notifier mails each ID once). Transient failures wait quietly;
   * a refused call is returned so that the run fails after publishing its values.
   */
  async function sendDigests(plan: MailPlan | undefined, at: Date, deadline: Deadline, context: Context): Promise<{ sent: number; refused?: unknown }> {
    if (!plan || plan.due.length === 0) return { sent: 0 };
    const notes = new AlertNotes(dependencies.registry, settings.notesTable, deadline.signal);
    const storms = new Map<Direction, StormState>(plan.states);
    const changed = new Set<Direction>();
    let sent = 0;
    let refused: unknown;
    for (const digest of plan.due) {
      try {
        const listed = new Map((await notes.digestNotes(digest.digestId)).map((note) => [note.instanceId, note]));
        // The index is eventually consistent: this run's own notes are added from memory.
        for (const note of plan.notes) if (note.digestId === digest.digestId) listed.set(note.instanceId, note);
        if (listed.size > 0) {
          const detail = digestDetail(digest, [...listed.values()].map(({ instanceId, state, name, platform, lastPingAt }) => ({ instanceId, state, name, platform, lastPingAt })));
          await sendToNotifier(dependencies.lambda, settings.notifierFunction, originOf(context.invokedFunctionArn), { id: digest.digestId, detailType: AGENT_DIGEST_DETAIL_TYPE, detail }, at, deadline.signal);
          sent += 1;
          logger.info('Digest handed to the notifier', { digestId: digest.digestId, nodes: listed.size });
        }
        const state = storms.get(digest.direction);
        if (state) {
          storms.set(digest.direction, afterDigest(state, digest, settings.storm, at));
          changed.add(digest.direction);
        }
      } catch (error) {
        if (!deadline.signal.aborted && classifyFailure(error) === 'refused') refused = error;
        logger.warn('Digest not handed over yet; the next run tries again', { digestId: digest.digestId, ...describeFailure(error) });
        break;
      }
    }
    stormOpen = anyStormOpen(storms);
    if (changed.size > 0) {
      try {
        await notes.write([], [...changed].map((direction) => storms.get(direction)!), at);
      } catch (error) {
        // The digests are handed over again next run under the same IDs; the notifier mails them once.
        logger.warn('Storm state not saved after handing over digests', describeFailure(error));
      }
    }
    return { sent, refused };
  }

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

  /** The decision, keeping only the transitions this run decides. */
  function onlyThese(decision: WatchDecision, transitions: readonly Transition[]): WatchDecision {
    const kept = new Set(transitions.map((transition) => `${transition.direction}:${transition.instanceId}`));
    return {
      ...decision,
      lost: decision.lost.filter((id) => kept.has(`lost:${id}`)),
      recovered: decision.recovered.filter((id) => kept.has(`back:${id}`)),
      stopped: decision.stopped.filter((node) => kept.has(`back:${node.instanceId}`)),
    };
  }

  function transitionsOf(
    decision: WatchDecision,
    notOnline: readonly NodeStatus[],
    confirmations: ReadonlyMap<string, NodeStatus> | undefined,
    instances: ReadonlyMap<string, InstanceFacts | null>,
    records: ReadonlyMap<string, NodeRecord>,
  ): Transition[] {
    const listed = new Map(notOnline.map((node) => [node.instanceId, node]));
    const describe = (id: string, direction: Direction, state: string, status: NodeStatus | undefined): Transition => {
      const facts = instances.get(id) ?? undefined;
      const record = records.get(id);
      return {
        instanceId: id,
        direction,
        muted: direction === 'lost' ? false : decision.muted.has(id),
        state,
        name: facts?.name ?? record?.name,
        platform: status?.platformName ?? facts?.platform ?? record?.platform ?? status?.platformType,
        lastPingAt: status?.lastPingAt?.toISOString(),
      };
    };
    return [
      ...decision.lost.map((id) => describe(id, 'lost', listed.get(id)?.pingStatus ?? 'ConnectionLost', listed.get(id))),
      ...decision.recovered.map((id) => describe(id, 'back', 'Online', confirmations?.get(id))),
      ...decision.stopped.map((node) => describe(node.instanceId, 'back', node.state, listed.get(node.instanceId) ?? confirmations?.get(node.instanceId))),
    ];
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
