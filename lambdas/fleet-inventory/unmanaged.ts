import type { MissingScope } from '../../contract/shared-variables';
import type { FleetCondition } from '../../contract/agent-metrics';
import { isStoppedState } from '../shared/alert-notes';
import type { NodeRecord } from '../shared/node-registry';
import type { UnmanagedDetail, UnmanagedInstance } from '../shared/product-events';
import type { FleetBook } from './fleet-book';

/** What decides which instances are missing and how their mails are batched. */
export interface UnmanagedSettings {
  missingScope: MissingScope;
  updateTargetTag: { key: string; values: readonly string[] };
  muteTag: { key: string; value: string };
  startGraceMinutes: number;
  /** More new missing (or registered) instances in one run than this are mailed as one batch. */
  threshold: number;
}

/** Instances a mail lists at most (the rest are counted): keeps the event far below Lambda's payload limit. */
export const MAX_LISTED_INSTANCES = 1000;

/** Whether a record is a running EC2 instance, in the missing scope, past its start grace period, that is not a managed node. */
export function isMissing(record: NodeRecord, settings: UnmanagedSettings, at: Date): boolean {
  if (settings.missingScope === 'off' || record.kind !== 'ec2' || record.departedAt) return false;
  if (record.registered || record.state !== 'running' || !record.checkedAt || !record.launchedAt) return false;
  if (at.getTime() - Date.parse(record.launchedAt) < settings.startGraceMinutes * 60_000) return false;
  if (settings.missingScope === 'all-running') return true;
  const value = record.tags?.[settings.updateTargetTag.key];
  return value !== undefined && settings.updateTargetTag.values.includes(value);
}

/**
 * Brings the missing-instance bookkeeping of every record up to date and gives each new mail its key,
 * before anything is handed to the notifier (the registry is written first: a run that fails after
 * it hands the same keys over again, and the notifier mails each key once). A new missing instance is
 * mailed on its own, or, when more than `threshold` are new in one run (the first run in an account full
 * of unregistered instances), in one batch. The same for instances that registered after their missing
 * mail. An instance that stops being missing otherwise (stopped, terminated, untagged) is forgotten quietly.
 */
export function updateUnmanaged(book: FleetBook, settings: UnmanagedSettings, at: Date): void {
  const stamp = at.toISOString();
  const newlyMissing: string[] = [];
  const newlyRegistered: string[] = [];
  for (const record of book.all()) {
    if (record.kind !== 'ec2') continue;
    const missing = isMissing(record, settings, at);
    if (missing && !record.missingSince) newlyMissing.push(record.id);
    else if (record.missingSince && record.registered && !record.departedAt) {
      if (!record.missingMailed) book.patch(record.id, cleared());
      else if (!record.registeredKey) newlyRegistered.push(record.id);
    } else if (record.missingSince && !missing && !record.registeredKey) book.patch(record.id, cleared());
  }
  const keyOf = (change: string, ids: readonly string[]) => (id: string) => (ids.length > settings.threshold ? `${change}@${stamp}` : `${change}@${stamp}#${id}`);
  const missingKey = keyOf('missing', newlyMissing);
  for (const id of newlyMissing) book.patch(id, { missingSince: stamp, missingKey: missingKey(id), missingMailed: false });
  const registeredKey = keyOf('registered', newlyRegistered);
  for (const id of newlyRegistered) book.patch(id, { registeredKey: registeredKey(id) });
}

/** The mails still to hand over: one per key, listing its instances. */
export function pendingUnmanagedMails(book: FleetBook): UnmanagedDetail[] {
  const byKey = new Map<string, { change: UnmanagedDetail['change']; records: NodeRecord[] }>();
  for (const record of book.all()) {
    const key = record.registeredKey ?? (record.missingKey && !record.missingMailed ? record.missingKey : undefined);
    if (!key) continue;
    const entry = byKey.get(key) ?? { change: record.registeredKey ? 'registered' : 'missing', records: [] };
    entry.records.push(record);
    byKey.set(key, entry);
  }
  return [...byKey.entries()]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([key, { change, records }]) => {
      const sorted = records.sort((left, right) => (left.name ?? '').localeCompare(right.name ?? '') || left.id.localeCompare(right.id));
      return { key, change, instances: sorted.slice(0, MAX_LISTED_INSTANCES).map(instanceOf), total: sorted.length };
    });
}

/** Records that the notifier has been handed the mail `key`. */
export function unmanagedMailed(book: FleetBook, mail: UnmanagedDetail): void {
  for (const record of book.all()) {
    if (mail.change === 'registered' && record.registeredKey === mail.key) book.patch(record.id, cleared());
    else if (mail.change === 'missing' && record.missingKey === mail.key) book.patch(record.id, { missingMailed: true });
  }
}

/** Nodes in scope that are stopped or muted, and instances that are missing, for the dashboard. */
export function fleetConditions(book: FleetBook, settings: UnmanagedSettings): Record<FleetCondition, number> {
  const counts: Record<FleetCondition, number> = { Stopped: 0, Muted: 0, Missing: 0 };
  for (const record of book.all()) {
    if (record.departedAt) continue;
    if (record.missingSince && !record.registered) counts.Missing += 1;
    if (!book.inScope(record)) continue;
    if (record.kind === 'ec2' && isStoppedState(record.state)) counts.Stopped += 1;
    if (record.tags?.[settings.muteTag.key] === settings.muteTag.value) counts.Muted += 1;
  }
  return counts;
}

function cleared(): Partial<NodeRecord> {
  return { missingSince: undefined, missingKey: undefined, missingMailed: undefined, registeredKey: undefined };
}

function instanceOf(record: NodeRecord): UnmanagedInstance {
  const instance: UnmanagedInstance = { instanceId: record.id, name: record.name, platform: record.platform, launchedAt: record.launchedAt, profile: record.profile, imds: record.imds };
  return Object.fromEntries(Object.entries(instance).filter(([, value]) => value !== undefined)) as unknown as UnmanagedInstance;
}
