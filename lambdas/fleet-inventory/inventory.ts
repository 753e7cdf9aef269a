import type { Context } from 'aws-lambda';
import type { CloudWatchClient, MetricAlarm, MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ALARM_WRITE_ERRORS_METRIC,
  ALARM_WRITE_OPERATIONS,
  ALARM_WRITES_DEFERRED_METRIC,
  ALARM_WRITES_PENDING_METRIC,
  CONDITION_DIMENSION,
  CONNECTION_LOST_METRIC,
  FLEET_CONDITIONS,
  FLEET_CONDITIONS_METRIC,
  INSTANCE_ID_DIMENSION,
  INVENTORY_RUNS_METRIC,
  OPERATION_DIMENSION,
  type AlarmWriteOperation,
  type FleetCondition,
} from '../../contract/agent-metrics';
import { UNMANAGED_INSTANCE_DETAIL_TYPE } from '../../contract/events';
import type { FleetInventoryEnvironmentSettings } from '../../contract/fleet-inventory-environment';
import { agentAlarm, agentAlarmVersion, hasDefinition } from '../shared/agent-alarm';
import { classifyFailure, describeFailure } from '../shared/aws-errors';
import { IDS_PER_QUERY, readByIds, type IdRead } from '../shared/managed-nodes';
import { publishMetrics } from '../shared/metrics';
import { NodeRegistry, type InventoryState } from '../shared/node-registry';
import { logger } from '../shared/powertools';
import { Deadline } from '../shared/run-deadline';
import { originOf, sendToNotifier } from '../shared/notifier-invocation';
import { TokenBucket } from '../shared/token-bucket';
import { fleetConditions, pendingUnmanagedMails, unmanagedMailed, updateUnmanaged, type UnmanagedSettings } from './unmanaged';
import { WorkQueue, writeAlarms, type WriteTally } from './alarm-writes';
import { FleetBook, FOREIGN_DEFINITION, isKnownPingStatus } from './fleet-book';
import { cutShort, listEc2Instances, listHybridNodes, readAgentAlarms, readHybridTags } from './fleet-reads';

export type InventorySettings = FleetInventoryEnvironmentSettings;

export interface InventoryDependencies {
  ssm: SSMClient;
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
  registry: DynamoDBDocumentClient;
  lambda: LambdaClient;
  /** The client that reaches the notifier, when it is in another Region (a spoke's hub); `lambda` otherwise. */
  notifierLambda?: LambdaClient;
  settings: InventorySettings;
}

/** What one run did, logged and returned (for tests and the bench). */
export interface InventoryRunSummary {
  outcome: 'done' | 'another-run-in-progress';
  listed: boolean;
  audited: boolean;
  nodes: number;
  joined: number;
  left: number;
  registrationChecks: number;
  swept: number;
  unknownStatuses: number;
  writes: Record<AlarmWriteOperation, WriteTally & { pending: number }>;
  /** Whether the run handed its remaining alarm writes to a new invocation of itself. */
  continued: boolean;
  /** Missing or registered mails handed to the notifier. */
  unmanagedMails: number;
  /** Stopped, muted and missing nodes (for the dashboard). */
  conditions?: Record<FleetCondition, number>;
}

/** The payload a run sends to the invocation that continues its alarm writes. */
export interface ContinuationEvent {
  source: 'ssm-agent-ops.fleet-inventory';
  continuation: number;
}

/** Every run ends within this share of the function's time left when it starts. */
export const RUN_SHARE_OF_TIMEOUT = 0.5;
/** Kept at the end of the run for writing down what it did. */
const FINISH_RESERVE_MS = 15_000;
/** Registry items per parallel scan: a node's item is 100-300 bytes, a Scan page 1 MB. */
const NODES_PER_SCAN_SEGMENT = 5000;
const MAX_SCAN_SEGMENTS = 16;
/** DescribeInstanceInformation and ListTagsForResource calls in flight at once. */
const READ_CONCURRENCY = 5;
/** DescribeAlarms calls per second: under half the account's quota of 9, which the watch shares. */
export const DESCRIBE_ALARMS_PER_SECOND = 4;
/** How often every alarm of the product is read, to adopt, repair and delete what the registry does not know. */
export const AUDIT_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** Registry writes happen at least every this many alarm writes, so that a run cut short loses little. */
const CHECKPOINT_EVERY = 250;
/** A listing older than the schedule period minus this is read again, also by a continuing run. */
const LISTING_SLACK_MS = 60_000;

/**
 * The fleet inventory, bound to its clients. One run: reads which nodes are in scope (EC2 instances
 * and hybrid nodes, at most once per schedule period), asks Systems Manager about new instances and
 * about a slice of the known ones (the sweep), now and then audits the product's alarms, then writes
 * the alarms that are missing and deletes those of nodes that left, within the quotas, until half its
 * time is used; a run that ends with writes left and made progress hands them to a new invocation.
 * The registry remembers everything in between, so no run reads all alarms or all nodes' statuses.
 */
export function createInventory(dependencies: InventoryDependencies) {
  const { ssm, ec2, cloudwatch, settings } = dependencies;
  const alarmSettings = { namespace: settings.namespace, alarmNamePrefix: settings.alarmNamePrefix };
  const version = agentAlarmVersion(alarmSettings);
  // The scope tag, the update targets' tag (missing instances) and the mute tag, which readers of the registry use.
  const trackedTagKeys = [...new Set([...(settings.scopeTag ? [settings.scopeTag.key] : []), settings.updateTargetTag.key, settings.muteTag.key])];
  // Listing every instance is needed when any running instance may be mailed as missing.
  const listingTag = settings.missingScope === 'all-running' ? undefined : settings.scopeTag;
  const unmanagedSettings: UnmanagedSettings = {
    missingScope: settings.missingScope,
    updateTargetTag: settings.updateTargetTag,
    muteTag: settings.muteTag,
    startGraceMinutes: settings.startGraceMinutes,
    threshold: settings.storm.threshold,
  };

  return async function handler(event: unknown, context: Context): Promise<InventoryRunSummary> {
    logger.addContext(context);
    const startedAt = Date.now();
    const at = new Date(startedAt);
    const end = Deadline.shareOf(context, RUN_SHARE_OF_TIMEOUT);
    const work = new Deadline(end.at - FINISH_RESERVE_MS);
    const registry = new NodeRegistry(dependencies.registry, settings.registryTable);
    const owner = context.awsRequestId;
    try {
      // The lease outlives the run's own deadline: if Lambda ends the run at its timeout, the next one waits for it.
      const claimed = await registry.withSignal(work.signal).claim(owner, startedAt, context.getRemainingTimeInMillis() + 60_000);
      if (!claimed) {
        logger.info('Another inventory run holds the lease; this one stops', { event: eventKind(event) });
        return emptySummary('another-run-in-progress');
      }
      let summary: InventoryRunSummary;
      try {
        summary = await run(registry, claimed.state, owner, event, at, work, end, context);
      } catch (error) {
        await registry.release(owner).catch((failure: unknown) => logger.warn('Could not give the lease back; it expires by itself', describeFailure(failure)));
        throw error;
      }
      if (summary.continued) summary.continued = await continueIn(context, event);
      logger.info('Inventory run complete', { ...summary });
      return summary;
    } finally {
      work.dispose();
      end.dispose();
    }
  };

  async function run(
    registry: NodeRegistry,
    previous: InventoryState | undefined,
    owner: string,
    event: unknown,
    at: Date,
    work: Deadline,
    end: Deadline,
    context: Context,
  ): Promise<InventoryRunSummary> {
    const reads = registry.withSignal(work.signal);
    const segments = Math.min(MAX_SCAN_SEGMENTS, Math.max(1, Math.ceil((previous?.counts.nodes ?? 0) / NODES_PER_SCAN_SEGMENT)));
    const book = new FleetBook(await reads.scanNodes(segments), settings.scopeTag);
    const summary = emptySummary('done');
    const describePace = new TokenBucket(DESCRIBE_ALARMS_PER_SECOND);
    const newData: MetricDatum[] = [];
    const state: InventoryState = {
      generation: previous?.generation ?? 0,
      listedAt: previous?.listedAt,
      sweptThrough: previous?.sweptThrough,
      hybridTagsThrough: previous?.hybridTagsThrough,
      auditedAt: previous?.auditedAt,
      counts: previous?.counts ?? { nodes: 0, registered: 0, unknownStatus: 0 },
      updatedAt: at.toISOString(),
    };

    // Alarm writes start at once, with the work the registry already holds, and take in what the
    // rest of the run finds: writing is what a large rollout waits for, so it never pauses for reads.
    const wanted = (id: string) => {
      const record = book.get(id);
      return record !== undefined && book.wantsAlarm(record) && record.alarm !== version;
    };
    const unwanted = (id: string) => {
      const record = book.get(id);
      return record !== undefined && !book.wantsAlarm(record) && record.alarm !== undefined;
    };
    const queues = { create: new WorkQueue(wanted), delete: new WorkQueue(unwanted) };
    const enqueue = () => {
      const todo = book.alarmWork(version);
      queues.create.add(todo.create);
      queues.delete.add(todo.delete);
    };
    enqueue();
    const checkpoint = new Checkpoint(() => persist(registry, book, work).then((written) => void (changed ||= written)));
    let changed = false;
    const writing = writeAlarms(cloudwatch, queues, {
      settings: alarmSettings,
      putsPerSecond: settings.alarmWritesPerSecond,
      describePace,
      deadline: work,
      onWritten: (id) => {
        const created = book.get(id)?.alarm === undefined;
        book.alarmWritten(id, version);
        // A new alarm starts in INSUFFICIENT_DATA; a 0 settles it in OK, which mails no one. Only a 0,
        // only for a node read Online: a 1 from a status read minutes ago could mail a loss that is
        // over. A node not online is the watch's to judge, within a minute.
        if (created && book.get(id)?.ping === 'Online') newData.push(nodeDatum(id, 0, at));
        checkpoint.note();
      },
      onDeleted: (ids) => {
        for (const id of ids) book.alarmDeleted(id);
        checkpoint.note(ids.length);
      },
    });

    let failure: { error: unknown } | undefined;
    let refusedMail: unknown;
    try {
      await learn();
      updateUnmanaged(book, unmanagedSettings, at);
      changed = (await persist(registry, book, work)) || changed;
      refusedMail = await mailUnmanaged(context, at, work);
      changed = (await persist(registry, book, work)) || changed;
    } catch (error) {
      failure = { error };
    } finally {
      enqueue();
      queues.create.close();
      queues.delete.close();
    }
    const tallies = await writing;
    await checkpoint.finish();
    changed = (await persist(registry, book, end)) || changed;
    if (failure) {
      // What the writers did is written down; the failed read fails the run (and pages if it lasts).
      await saveState(registry, owner, { ...state, counts: book.counts(), generation: state.generation + (changed ? 1 : 0) }, end);
      throw failure.error;
    }

    const left = book.alarmWork(version);
    for (const operation of ALARM_WRITE_OPERATIONS) {
      const pending = operation === 'PutMetricAlarm' ? left.create.length : left.delete.length;
      summary.writes[operation] = { ...tallies[operation], pending };
      if (pending > 0 || tallies[operation].deferred > 0) {
        logger.warn(`Alarm writes left for a later run (${operation})`, { pending, deferred: tallies[operation].deferred, refused: tallies[operation].refused, stopped: tallies[operation].stopped });
      }
    }
    summary.nodes = book.all().filter((record) => !record.departedAt).length;
    summary.unknownStatuses = book.unknownStatuses().length;

    state.counts = book.counts();
    if (changed) state.generation += 1;
    await saveState(registry, owner, state, end);
    summary.conditions = fleetConditions(book, unmanagedSettings);
    await publishMetrics(cloudwatch, settings.namespace, newData, runMetrics(summary, at), end.signal);
    // A mail AWS refused to hand over (the notifier may not be invoked) fails the run, which pages if it lasts.
    if (refusedMail) throw refusedMail;

    const progress = tallies.PutMetricAlarm.done + tallies.DeleteAlarms.done > 0;
    const outOfTime = tallies.PutMetricAlarm.stopped === 'deadline' || tallies.DeleteAlarms.stopped === 'deadline';
    summary.continued = progress && outOfTime && left.create.length + left.delete.length > 0;
    return summary;

    /**
     * Reads the membership (when due), asks Systems Manager about new and swept nodes, and audits the
     * product's alarms (when due). New work goes to the writers as it is found, except while an audit
     * is under way: alarms that already exist (a first run after an upgrade) are adopted, not written again.
     */
    async function learn(): Promise<void> {
      const auditDue = !previous?.auditedAt || at.getTime() - Date.parse(previous.auditedAt) >= AUDIT_INTERVAL_MS;
      const audit = auditDue ? readAgentAlarms(cloudwatch, alarmSettings, describePace, work) : undefined;
      // Settled either way before this function returns, so that no read outlives a failure here.
      const auditSettled = audit?.then(
        (alarms) => ({ alarms }),
        (error: unknown) => ({ error }),
      );
      const found = () => {
        if (!auditDue) enqueue();
      };
      try {
        const listingDue =
          isScheduled(event) || !previous?.listedAt || at.getTime() - Date.parse(previous.listedAt) >= settings.inventoryMinutes * 60_000 - LISTING_SLACK_MS;
        if (listingDue) await list(found);
      } finally {
        const outcome = await auditSettled;
        if (outcome && 'error' in outcome) throw outcome.error;
        if (outcome) {
          const applied = book.applyAlarmAudit(new Map(outcome.alarms.items), outcome.alarms.complete, at, (alarm, id) => versionOf(alarm, id));
          if (outcome.alarms.complete) {
            state.auditedAt = at.toISOString();
            summary.audited = true;
          }
          if (applied.adopted + applied.orphans + applied.missing > 0) logger.info('Alarms audited', { ...applied, complete: outcome.alarms.complete });
        }
      }
    }

    /**
     * Hands the notifier every missing or registered mail the registry holds unsent, each under its
     * key. Transient failures leave the mail for the next run; a refused call is returned.
     */
    async function mailUnmanaged(context: Context, at: Date, deadline: Deadline): Promise<unknown> {
      for (const mail of pendingUnmanagedMails(book)) {
        if (deadline.passed) return undefined;
        try {
          await sendToNotifier(dependencies.notifierLambda ?? dependencies.lambda, settings.notifierFunction, originOf(context.invokedFunctionArn), { id: mail.key, detailType: UNMANAGED_INSTANCE_DETAIL_TYPE, detail: mail }, at, deadline.signal);
          unmanagedMailed(book, mail);
          summary.unmanagedMails += 1;
        } catch (error) {
          logger.warn('Missing-instance mail not handed over yet; the next run tries again', { key: mail.key, ...describeFailure(error) });
          if (!deadline.signal.aborted && classifyFailure(error) === 'refused') return error;
          return undefined;
        }
      }
      return undefined;
    }

    async function list(found: () => void): Promise<void> {
      const [instances, hybrid] = await Promise.all([listEc2Instances(ec2, listingTag, trackedTagKeys, work), listHybridNodes(ssm, work)]);
      const newHybrid = settings.scopeTag ? hybrid.items.map((node) => node.instanceId).filter((id) => book.get(id)?.tags === undefined) : [];
      const hybridTags = settings.scopeTag ? await readHybridTags(ssm, newHybrid, trackedTagKeys, work, READ_CONCURRENCY) : new Map<string, Record<string, string>>();
      const ec2Changes = book.applyEc2Listing(instances.items, instances.complete, at);
      const hybridChanges = book.applyHybridListing(hybrid.items, hybrid.complete, at, (id) => hybridTags.get(id));
      summary.joined = ec2Changes.joined.length + hybridChanges.joined.length;
      summary.left = ec2Changes.left.length + hybridChanges.left.length;
      summary.listed = instances.complete && hybrid.complete;
      if (summary.listed) state.listedAt = at.toISOString();
      for (const node of hybrid.items) if (book.get(node.instanceId) && !isKnownPingStatus(node.pingStatus)) unknownFound(node.instanceId, node.pingStatus);
      found();

      const checks = book.registrationChecksDue(at);
      const checked = await askSystemsManager(checks, work);
      if (checked) for (const node of book.applyRegistration(checks, checked.found, at)) unknownFound(node.instanceId, node.pingStatus);
      summary.registrationChecks = checks.length;
      found();

      const slice = book.sweepSlice('ec2', previous?.sweptThrough, sweepShare(book.countOf('ec2')), new Set(checks));
      const swept = await askSystemsManager(slice, work);
      if (swept) {
        for (const node of book.applyRegistration(slice, swept.found, at)) unknownFound(node.instanceId, node.pingStatus);
        if (slice.length > 0) state.sweptThrough = slice[slice.length - 1];
        summary.swept = slice.length;
      }
      if (settings.scopeTag) {
        // Hybrid nodes carry their tags in Systems Manager: the sweep reads them again, so that a node
        // tagged into scope or out of it is noticed within the sweep period.
        const tagged = book.sweepSlice('hybrid', previous?.hybridTagsThrough, sweepShare(book.countOf('hybrid')), new Set(newHybrid));
        const tags = await readHybridTags(ssm, tagged, trackedTagKeys, work, READ_CONCURRENCY);
        for (const [id, kept] of tags) book.setTags(id, kept);
        if (tagged.length > 0 && tags.size === tagged.length) state.hybridTagsThrough = tagged[tagged.length - 1];
      }
      found();
    }

    function unknownFound(instanceId: string, pingStatus: string) {
      logger.warn('Unknown ping status, treated as not online', { instanceId, pingStatus });
      // The node's alarm goes to (or stays in) ALARM; the watch lets it recover only on proof of Online.
      if (book.get(instanceId)?.alarm !== undefined) newData.push(nodeDatum(instanceId, 1, at));
    }
  }

  /** Systems Manager's answer for these nodes, or undefined when the run's time ran out first. */
  async function askSystemsManager(ids: readonly string[], deadline: Deadline): Promise<IdRead | undefined> {
    if (ids.length === 0) return { found: new Map(), notFound: [], calls: 0 };
    if (deadline.passed) return undefined;
    return cutShort(deadline, () => readByIds(ssm, ids, { concurrency: READ_CONCURRENCY, signal: deadline.signal }));
  }

  /**
   * The nodes one run sweeps so that `count` nodes are all read once per sweep period, in whole queries:
   * a query costs one call whether it names one node or 50, so a fleet of up to 50 nodes is swept in
   * every run, and a larger one in fewer runs than the period strictly needs, at no extra call.
   */
  function sweepShare(count: number): number {
    const share = Math.ceil((count * settings.inventoryMinutes) / settings.sweepMinutes);
    return Math.min(count, Math.ceil(share / IDS_PER_QUERY) * IDS_PER_QUERY);
  }

  /** `hasDefinition` decides: an alarm that is not the product's is written again. */
  function versionOf(alarm: MetricAlarm, id: string): string {
    return hasDefinition(alarm, agentAlarm(id, alarmSettings)) ? version : FOREIGN_DEFINITION;
  }

  /** Writes what changed to the registry; a failure is logged and the changes wait for the next write. */
  async function persist(registry: NodeRegistry, book: FleetBook, deadline: Deadline): Promise<boolean> {
    const changes = book.takeChanges();
    if (changes.puts.length + changes.deletes.length === 0) return false;
    try {
      await registry.withSignal(deadline.signal).writeNodes(changes.puts, changes.deletes);
      return true;
    } catch (error) {
      book.restoreChanges(changes);
      if (classifyFailure(error) === 'refused') throw error;
      logger.warn('Registry not written yet; retried at the next write', { puts: changes.puts.length, deletes: changes.deletes.length, ...describeFailure(error) });
      return false;
    }
  }

  /** Saves the state and gives the lease back; a failure is logged and the lease is given back all the same. */
  async function saveState(registry: NodeRegistry, owner: string, state: InventoryState, deadline: Deadline) {
    try {
      if (!(await registry.withSignal(deadline.signal).saveAndRelease(owner, state))) logger.warn('The lease had expired and another run holds it: this run\'s state is not saved');
    } catch (error) {
      await registry.release(owner).catch(() => undefined);
      if (classifyFailure(error) === 'refused') throw error;
      logger.warn('Inventory state not saved; the next run reads the nodes again', describeFailure(error));
    }
  }

  async function continueIn(context: Context, event: unknown): Promise<boolean> {
    const continuation: ContinuationEvent = { source: 'ssm-agent-ops.fleet-inventory', continuation: continuationOf(event) + 1 };
    try {
      await dependencies.lambda.send(
        new InvokeCommand({ FunctionName: context.invokedFunctionArn, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(continuation)) }),
      );
      logger.info('Alarm writes continue in a new invocation', { continuation: continuation.continuation });
      return true;
    } catch (error) {
      logger.warn('Could not start the next invocation; the schedule continues the writes', describeFailure(error));
      return false;
    }
  }

  function runMetrics(summary: InventoryRunSummary, at: Date): MetricDatum[] {
    const data: MetricDatum[] = [];
    for (const operation of ALARM_WRITE_OPERATIONS) {
      const tally = summary.writes[operation];
      const dimensions = [{ Name: OPERATION_DIMENSION, Value: operation }];
      data.push({ MetricName: ALARM_WRITES_PENDING_METRIC, Dimensions: dimensions, Value: tally.pending, Unit: 'Count', Timestamp: at });
      if (tally.deferred > 0) data.push({ MetricName: ALARM_WRITES_DEFERRED_METRIC, Dimensions: dimensions, Value: tally.deferred, Unit: 'Count', Timestamp: at });
      if (tally.refused > 0) data.push({ MetricName: ALARM_WRITE_ERRORS_METRIC, Dimensions: dimensions, Value: tally.refused, Unit: 'Count', Timestamp: at });
    }
    for (const condition of FLEET_CONDITIONS) {
      const count = summary.conditions?.[condition];
      if (count !== undefined) data.push({ MetricName: FLEET_CONDITIONS_METRIC, Dimensions: [{ Name: CONDITION_DIMENSION, Value: condition }], Value: count, Unit: 'Count', Timestamp: at });
    }
    data.push({ MetricName: INVENTORY_RUNS_METRIC, Value: 1, Unit: 'Count', Timestamp: at });
    return data;
  }
}

/** Writes the registry every so many alarm writes, one write at a time, and waits for the last one at the end. */
class Checkpoint {
  private count = 0;
  private running?: Promise<void>;
  private again = false;

  constructor(private readonly write: () => Promise<void>) {}

  note(writes = 1): void {
    this.count += writes;
    if (this.count < CHECKPOINT_EVERY) return;
    this.count = 0;
    if (this.running) this.again = true;
    else this.start();
  }

  async finish(): Promise<void> {
    while (this.running) await this.running;
  }

  private start(): void {
    this.running = this.write()
      .catch((error: unknown) => logger.warn('Registry checkpoint failed; the end of the run writes it', describeFailure(error)))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.start();
        }
      });
  }
}

function nodeDatum(instanceId: string, value: number, at: Date): MetricDatum {
  return { MetricName: CONNECTION_LOST_METRIC, Dimensions: [{ Name: INSTANCE_ID_DIMENSION, Value: instanceId }], Value: value, Unit: 'Count', Timestamp: at };
}

/** The EventBridge schedule's event: a scheduled run always reads the membership. */
function isScheduled(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { source?: unknown }).source === 'aws.events';
}

function continuationOf(event: unknown): number {
  const value = typeof event === 'object' && event !== null ? (event as Partial<ContinuationEvent>).continuation : undefined;
  return typeof value === 'number' ? value : 0;
}

function eventKind(event: unknown): string {
  if (isScheduled(event)) return 'schedule';
  return continuationOf(event) > 0 ? 'continuation' : 'other';
}

function emptySummary(outcome: InventoryRunSummary['outcome']): InventoryRunSummary {
  const tally = () => ({ done: 0, deferred: 0, refused: 0, pending: 0 });
  return {
    outcome,
    listed: false,
    audited: false,
    nodes: 0,
    joined: 0,
    left: 0,
    registrationChecks: 0,
    swept: 0,
    unknownStatuses: 0,
    writes: { PutMetricAlarm: tally(), DeleteAlarms: tally() },
    continued: false,
    unmanagedMails: 0,
  };
}
