import type { Direction } from './transition-notes';

/** One node as a digest lists it. */
export interface DigestNode {
  instanceId: string;
  /** Ping status, or the EC2 state of an instance that is not running. */
  state: string;
  name?: string;
  platform?: string;
  lastPingAt?: string;
}

/** Many nodes whose alarm moved the same way while a storm was open, mailed as one. */
export interface DigestDetail {
  digestId: string;
  direction: Direction;
  openedAt: string;
  sequence: number;
  /** Every node of the digest, or the first `MAX_LISTED_NODES` in the mail's order. */
  nodes: DigestNode[];
  /** How many nodes the digest covers, by state (the listed ones and the rest). */
  byState: Record<string, number>;
}

/** A running EC2 instance as a missing-instance mail shows it. */
export interface UnmanagedInstance {
  instanceId: string;
  name?: string;
  platform?: string;
  launchedAt?: string;
  /** The instance profile's ARN; absent when the instance has none. */
  profile?: string;
  /** Instance metadata endpoint: `enabled` or `disabled`. */
  imds?: string;
}

/** Instances that are running but not managed nodes (missing), or that have registered since. */
export interface UnmanagedDetail {
  /** What the mail is about: one instance's change, or one batch of them; the notifier mails each key once. */
  key: string;
  change: 'missing' | 'registered';
  instances: UnmanagedInstance[];
  /** How many instances the change covers (more than listed when the event would grow too large). */
  total: number;
}

/**
 * Nodes a digest event lists at most: about 150 bytes each, so that the event stays far below the
 * 256 KB an asynchronous invocation was long limited to, whatever the fleet's size.
 */
export const MAX_LISTED_NODES = 1000;

/** Orders nodes as mails list them: by state, then by Name tag and ID. */
export function mailOrder(left: DigestNode, right: DigestNode): number {
  return left.state.localeCompare(right.state) || (left.name ?? '').localeCompare(right.name ?? '') || left.instanceId.localeCompare(right.instanceId);
}

/** The digest's event detail: every node counted by state, the first `MAX_LISTED_NODES` listed. */
export function digestDetail(digest: { digestId: string; direction: Direction; openedAt: string; sequence: number }, nodes: readonly DigestNode[]): DigestDetail {
  const unique = new Map(nodes.map((node) => [node.instanceId, node]));
  const sorted = [...unique.values()].sort(mailOrder);
  const byState: Record<string, number> = {};
  for (const node of sorted) byState[node.state] = (byState[node.state] ?? 0) + 1;
  return { ...digest, nodes: sorted.slice(0, MAX_LISTED_NODES).map(withoutUndefined), byState };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
