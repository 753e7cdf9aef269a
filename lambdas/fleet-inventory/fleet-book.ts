import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { KNOWN_PING_STATUSES } from '../../contract/ping-statuses';
import type { NodeStatus } from '../shared/managed-nodes';
import type { InventoryState, NodeRecord } from '../shared/node-registry';

/** What EC2 DescribeInstances says about one instance, as far as the product uses it. */
export interface Ec2Instance {
  instanceId: string;
  state: string;
  launchedAt?: string;
  name?: string;
  platform?: string;
  /** The tags the product reads (the scope tag and the like), Name excluded. */
  tags: Record<string, string>;
  profile?: string;
  imds?: string;
}

/** Which nodes are in scope: those whose tag `key` has one of `values`; every node when absent. */
export type ScopeTag = { key: string; values: readonly string[] } | undefined;

/** How long a running EC2 instance that is not a managed node yet is asked about on every run. */
export const REGISTRATION_WATCH_MS = 60 * 60 * 1000;
/** The value a record's `alarm` takes when an alarm exists whose definition is not the product's. */
export const FOREIGN_DEFINITION = 'differs';

export function isKnownPingStatus(status: string | undefined): boolean {
  return status !== undefined && (KNOWN_PING_STATUSES as readonly string[]).includes(status);
}

/**
 * The inventory's working copy of the node registry for one run: everything it learns is applied
 * here, which records what changed, and what is left to write to the registry and to CloudWatch is
 * read back from it. No I/O: the tests drive it directly.
 */
export class FleetBook {
  private readonly records = new Map<string, NodeRecord>();
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();

  constructor(
    records: Iterable<NodeRecord>,
    private readonly scope: ScopeTag,
  ) {
    for (const record of records) this.records.set(record.id, { ...record });
  }

  get(id: string): NodeRecord | undefined {
    return this.records.get(id);
  }

  all(): NodeRecord[] {
    return [...this.records.values()];
  }

  /** Whether the node's tags put it in scope. */
  inScope(record: NodeRecord): boolean {
    if (!this.scope) return true;
    const value = record.tags?.[this.scope.key];
    return value !== undefined && this.scope.values.includes(value);
  }

  /** A node gets an alarm while it is in scope, registered with Systems Manager, and has not left. */
  wantsAlarm(record: NodeRecord): boolean {
    return !record.departedAt && record.registered && this.inScope(record);
  }

  /**
   * The EC2 listing (the instances not terminated, tag-filtered when scoped). New instances become
   * records to check with Systems Manager; instances that are gone from a complete listing have left.
   * An incomplete listing adds and updates but never concludes that an instance left.
   */
  applyEc2Listing(instances: readonly Ec2Instance[], complete: boolean, at: Date): { joined: string[]; left: string[] } {
    const joined: string[] = [];
    const left: string[] = [];
    const listed = new Set<string>();
    for (const instance of instances) {
      listed.add(instance.instanceId);
      const existing = this.records.get(instance.instanceId);
      const facts = {
        state: instance.state,
        launchedAt: instance.launchedAt,
        name: instance.name,
        platform: instance.platform,
        tags: Object.keys(instance.tags).length > 0 ? instance.tags : undefined,
        profile: instance.profile,
        imds: instance.imds,
      };
      if (!existing || existing.departedAt) {
        if (!existing) joined.push(instance.instanceId);
        // A node that comes back keeps the alarm it still has, if any.
        this.put({ id: instance.instanceId, kind: 'ec2', registered: existing?.registered ?? false, alarm: existing?.alarm, ...facts });
        continue;
      }
      this.update(existing, facts);
    }
    if (complete) {
      for (const record of this.records.values()) {
        if (record.kind === 'ec2' && !record.departedAt && !listed.has(record.id)) {
          left.push(record.id);
          this.depart(record, at);
        }
      }
    }
    return { joined, left };
  }

  /**
   * The hybrid nodes (`mi-…`) Systems Manager lists, with their ping status. They are managed nodes
   * by definition. `tagsOf` gives the tags of nodes read this run (only when scoped).
   */
  applyHybridListing(nodes: readonly NodeStatus[], complete: boolean, at: Date, tagsOf: (id: string) => Record<string, string> | undefined = () => undefined): { joined: string[]; left: string[] } {
    const joined: string[] = [];
    const left: string[] = [];
    const listed = new Set<string>();
    for (const node of nodes) {
      listed.add(node.instanceId);
      const existing = this.records.get(node.instanceId);
      const tags = tagsOf(node.instanceId);
      if (!existing || existing.departedAt) {
        if (!existing) joined.push(node.instanceId);
        this.put({ id: node.instanceId, kind: 'hybrid', registered: true, ping: node.pingStatus, platform: node.platformType, tags, alarm: existing?.alarm, checkedAt: at.toISOString() });
        continue;
      }
      this.update(existing, { registered: true, ping: node.pingStatus, platform: node.platformType, ...(tags ? { tags } : {}) });
    }
    if (complete) {
      for (const record of this.records.values()) {
        if (record.kind === 'hybrid' && !record.departedAt && !listed.has(record.id)) {
          left.push(record.id);
          this.depart(record, at);
        }
      }
    }
    return { joined, left };
  }

  /** Hybrid nodes without known tags: when scoped, their tags must be read before their scope is known. */
  hybridWithoutTags(): string[] {
    return this.all()
      .filter((record) => record.kind === 'hybrid' && !record.departedAt && record.tags === undefined)
      .map((record) => record.id);
  }

  setTags(id: string, tags: Record<string, string>): void {
    const record = this.records.get(id);
    if (record) this.update(record, { tags });
  }

  /**
   * EC2 instances to ask Systems Manager about now: those never asked, those running for less
   * than an hour that were not managed nodes yet (an agent registers within minutes of a launch), and
   * those mailed as missing (so that their "registered" mail follows the fix within one run).
   */
  registrationChecksDue(at: Date): string[] {
    return this.all()
      .filter((record) => record.kind === 'ec2' && !record.departedAt)
      .filter((record) => {
        if (!record.checkedAt) return true;
        if (record.registered || record.state !== 'running') return false;
        if (record.missingSince) return true;
        if (!record.launchedAt) return false;
        return at.getTime() - Date.parse(record.launchedAt) < REGISTRATION_WATCH_MS;
      })
      .map((record) => record.id)
      .sort();
  }

  /**
   * The next part of a sweep over the nodes of one kind: `size` nodes after `after` in ID order,
   * wrapping around, so that every node is read once per sweep period however the fleet changes
   * between runs.
   */
  sweepSlice(kind: NodeRecord['kind'], after: string | undefined, size: number, exclude: ReadonlySet<string> = new Set()): string[] {
    const ids = this.all()
      .filter((record) => record.kind === kind && !record.departedAt && !exclude.has(record.id))
      .map((record) => record.id)
      .sort();
    if (ids.length === 0 || size <= 0) return [];
    const start = after === undefined ? 0 : ids.findIndex((id) => id > after);
    const from = start === -1 ? 0 : start;
    const slice: string[] = [];
    for (let index = 0; index < Math.min(size, ids.length); index++) slice.push(ids[(from + index) % ids.length]!);
    return slice;
  }

  /** How many nodes of a kind a sweep covers. */
  countOf(kind: NodeRecord['kind']): number {
    return this.all().filter((record) => record.kind === kind && !record.departedAt).length;
  }

  /**
   * What Systems Manager said about EC2 instances it was asked about by ID. A node it does not return
   * is not registered, but only a running instance is judged: DescribeInstanceInformation leaves out
   * stopped instances, and they stay what they were until they run again.
   * Returns the nodes with a ping status AWS does not document.
   */
  applyRegistration(asked: readonly string[], found: ReadonlyMap<string, NodeStatus>, at: Date): NodeStatus[] {
    const unknown: NodeStatus[] = [];
    for (const id of asked) {
      const record = this.records.get(id);
      if (!record || record.departedAt) continue;
      const status = found.get(id);
      // `checkedAt` records when the answer last changed (or first came): rewriting it on every read
      // would turn each sweep into a registry write per node.
      if (status) {
        if (!isKnownPingStatus(status.pingStatus)) unknown.push(status);
        this.update(record, { registered: true, ping: status.pingStatus, checkedAt: record.registered && record.checkedAt ? record.checkedAt : at.toISOString() });
      } else if (record.state === 'running' || !record.checkedAt) {
        this.update(record, { registered: false, ping: undefined, checkedAt: !record.registered && record.checkedAt ? record.checkedAt : at.toISOString() });
      }
    }
    return unknown;
  }

  /** Alarm writes the registry asks for: alarms to write (new, or another definition) and alarms to delete. */
  alarmWork(version: string): { create: string[]; delete: string[] } {
    const create: string[] = [];
    const remove: string[] = [];
    for (const record of this.records.values()) {
      if (this.wantsAlarm(record)) {
        if (record.alarm !== version) create.push(record.id);
      } else if (record.alarm !== undefined) {
        remove.push(record.id);
      }
    }
    return { create: create.sort(), delete: remove.sort() };
  }

  alarmWritten(id: string, version: string): void {
    const record = this.records.get(id);
    if (record) this.update(record, { alarm: version });
  }

  alarmDeleted(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    // A node that left is forgotten once its alarm is gone; an instance that is still there (for
    // example one that stopped being a managed node) stays known without an alarm.
    if (record.departedAt) this.remove(id);
    else this.update(record, { alarm: undefined });
  }

  /**
   * What the product's alarms in CloudWatch are (read by name prefix): alarms of nodes that want one
   * are adopted (kept as they are when their definition is the product's), alarms of no node in scope
   * are recorded for deletion, and, when the read was complete, records whose alarm was not found
   * are told they have none.
   */
  applyAlarmAudit(alarms: ReadonlyMap<string, MetricAlarm>, complete: boolean, at: Date, versionOf: (alarm: MetricAlarm, id: string) => string): { adopted: number; orphans: number; missing: number } {
    let adopted = 0;
    let orphans = 0;
    let missing = 0;
    for (const [id, alarm] of alarms) {
      const record = this.records.get(id);
      const alarmVersion = versionOf(alarm, id);
      if (record && this.wantsAlarm(record)) {
        if (record.alarm !== alarmVersion) {
          this.update(record, { alarm: alarmVersion });
          adopted += 1;
        }
      } else if (!record) {
        orphans += 1;
        this.put({ id, kind: id.startsWith('mi-') ? 'hybrid' : 'ec2', registered: false, alarm: alarmVersion, departedAt: at.toISOString() });
      } else if (record.alarm === undefined) {
        orphans += 1;
        this.update(record, { alarm: alarmVersion });
      }
    }
    if (complete) {
      for (const record of this.records.values()) {
        if (record.alarm !== undefined && !alarms.has(record.id)) {
          missing += 1;
          if (record.departedAt) this.remove(record.id);
          else this.update(record, { alarm: undefined });
        }
      }
    }
    return { adopted, orphans, missing };
  }

  /** Registered nodes in scope whose last read ping status AWS does not document. */
  unknownStatuses(): NodeRecord[] {
    return this.all().filter((record) => this.wantsAlarm(record) && record.ping !== undefined && !isKnownPingStatus(record.ping));
  }

  /** What the watch needs besides the nodes: how many have an alarm wanted, and how many report an unknown status. */
  counts(): InventoryState['counts'] {
    const wanted = this.all().filter((record) => this.wantsAlarm(record));
    return { nodes: this.records.size, registered: wanted.length, unknownStatus: wanted.filter((record) => record.ping !== undefined && !isKnownPingStatus(record.ping)).length };
  }

  /** Sets facts of a record the run learned elsewhere (missing-instance bookkeeping); unknown IDs are ignored. */
  patch(id: string, facts: Partial<Omit<NodeRecord, 'id'>>): void {
    const record = this.records.get(id);
    if (record) this.update(record, facts);
  }

  /** Records to write and IDs to remove since the last call, which forgets them. */
  takeChanges(): { puts: NodeRecord[]; deletes: string[] } {
    const puts = [...this.changed].map((id) => this.records.get(id)!).filter(Boolean);
    const deletes = [...this.removed];
    this.changed.clear();
    this.removed.clear();
    return { puts, deletes };
  }

  /** Gives back changes whose write failed, so that the next write carries them again. */
  restoreChanges(changes: { puts: readonly NodeRecord[]; deletes: readonly string[] }): void {
    for (const record of changes.puts) if (this.records.has(record.id) && !this.removed.has(record.id)) this.changed.add(record.id);
    for (const id of changes.deletes) if (!this.records.has(id)) this.removed.add(id);
  }

  hasChanges(): boolean {
    return this.changed.size > 0 || this.removed.size > 0;
  }

  private put(record: NodeRecord): void {
    this.records.set(record.id, withoutUndefined(record));
    this.removed.delete(record.id);
    this.changed.add(record.id);
  }

  private update(record: NodeRecord, facts: Partial<NodeRecord>): void {
    // Most reads confirm what the registry holds: compare before building a new record.
    const changes = Object.entries(facts).some(([key, value]) => !sameValue((record as unknown as Record<string, unknown>)[key], value));
    if (changes) this.put(withoutUndefined({ ...record, ...facts }));
  }

  private depart(record: NodeRecord, at: Date): void {
    if (record.alarm === undefined) this.remove(record.id);
    else this.update(record, { departedAt: at.toISOString() });
  }

  private remove(id: string): void {
    this.records.delete(id);
    this.changed.delete(id);
    this.removed.add(id);
  }
}

function withoutUndefined(record: NodeRecord): NodeRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as unknown as NodeRecord;
}

/** Whether two attribute values are the same (strings, booleans, or flat string maps such as tags). */
function sameValue(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  const leftMap = left as Record<string, unknown>;
  const rightMap = right as Record<string, unknown>;
  const keys = Object.keys(leftMap);
  return keys.length === Object.keys(rightMap).length && keys.every((key) => leftMap[key] === rightMap[key]);
}
