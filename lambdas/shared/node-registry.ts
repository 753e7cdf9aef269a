import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { NODE_REGISTRY_KEY } from '../../contract/node-registry';
import { forEachLimited } from './run-deadline';
import { delay } from './token-bucket';

/**
 * One node in scope as the fleet inventory knows it: an EC2 instance (registered with Systems Manager
 * or not) or a hybrid managed node (`mi-…`), what EC2 says about it, and whether its alarm exists.
 * Only the inventory writes these; the watch reads them to know which nodes have alarms.
 */
export interface NodeRecord {
  /** The instance ID (`i-…` or `mi-…`). */
  id: string;
  kind: 'ec2' | 'hybrid';
  /** Whether Systems Manager knows the node (DescribeInstanceInformation returns it). */
  registered: boolean;
  /** The ping status the inventory last read (informational: the watch reads the live one). */
  ping?: string;
  /** EC2 instance state (`pending`, `running`, `stopping`, `stopped`). */
  state?: string;
  /** When the EC2 instance was last launched (moves on every start). */
  launchedAt?: string;
  /** The Name tag. */
  name?: string;
  platform?: string;
  /** The instance's tags the product reads (scope tag, …), without Name. */
  tags?: Record<string, string>;
  /** The ARN of the instance profile, absent when the instance has none. */
  profile?: string;
  /** Instance metadata endpoint (`enabled` or `disabled`). */
  imds?: string;
  /** Definition hash of the node's alarm as it was last written; absent when there is no alarm. */
  alarm?: string;
  /** When Systems Manager was last asked about this node. */
  checkedAt?: string;
  /** When the node left scope (terminated, deregistered, untagged); kept until its alarm is deleted. */
  departedAt?: string;
  /**
   * Since when a running EC2 instance is known as missing: running past the start grace period, in the
   * missing scope, and not a managed node. Cleared once it registers (after its "registered" mail) or
   * stops being missing otherwise.
   */
  missingSince?: string;
  /** The mail (one instance, or one batch) that reports it missing; the notifier mails each key once. */
  missingKey?: string;
  /** Whether the notifier has been handed that mail. */
  missingMailed?: boolean;
  /** The mail that reports it registered, while that mail is being handed over. */
  registeredKey?: string;
}

/** The inventory's own state, one item beside the nodes. */
export interface InventoryState {
  /** Changes whenever the nodes change, so that readers can keep what they read while it holds. */
  generation: number;
  /** When the membership (EC2 and hybrid listings) was last read to the end. */
  listedAt?: string;
  /** The last EC2 instance read by the sweep; the next run continues after it. */
  sweptThrough?: string;
  /** The last hybrid node whose tags the sweep read (when scoped by tag). */
  hybridTagsThrough?: string;
  /** When every alarm of the product was last read (adopting alarms that exist, deleting orphans). */
  auditedAt?: string;
  /**
   * The registry's size (`nodes`: every item but this one), the nodes that want an alarm
   * (`registered`), and those of them whose last read ping status AWS does not document.
   */
  counts: { nodes: number; registered: number; unknownStatus: number };
  updatedAt: string;
}

const STATE_ID = '#inventory';
/** Attributes of the state item that hold the inventory's lease while a run is under way. */
const LEASE_OWNER = 'leaseOwner';
const LEASE_UNTIL = 'leaseUntil';
/** BatchGetItem and BatchWriteItem limits. */
const KEYS_PER_BATCH_GET = 100;
const ITEMS_PER_BATCH_WRITE = 25;
const UNPROCESSED_ATTEMPTS = 6;
/** Batch calls in flight at once (an on-demand table takes far more). */
const WRITE_CONCURRENCY = 8;
const READ_CONCURRENCY = 8;

/** True for the items that are nodes (the state and lease items start with `#`). */
export function isNodeId(id: string): boolean {
  return !id.startsWith('#');
}

/** Thrown when DynamoDB kept returning part of a batch as unprocessed. */
export class RegistryIncomplete extends Error {
  constructor(operation: string, left: number) {
    super(`${operation} left ${left} item(s) unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`);
    this.name = 'RegistryIncomplete';
  }
}

/** The node registry table, read and written in DynamoDB's batch sizes, every call carrying the run's abort signal. */
export class NodeRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** The same table, its calls cancelled by `signal`. */
  withSignal(signal: AbortSignal): NodeRegistry {
    return new NodeRegistry(this.client, this.table, signal);
  }

  /** The inventory's state as last saved (eventually consistent: a reader can wait for the next run's). */
  async readState(): Promise<InventoryState | undefined> {
    const read = await this.client.send(new GetCommand({ TableName: this.table, Key: { [NODE_REGISTRY_KEY]: STATE_ID } }), this.options());
    return read.Item ? stateOf(read.Item) : undefined;
  }

  /**
   * Takes the inventory's lease until `now + durationMs` and reads its state, in one conditional
   * write: it succeeds only if no run holds the lease, the lease has expired, or `owner` holds it
   * already. Runs of the inventory never overlap, whoever invoked them. Undefined when another run
   * holds the lease; `state` is undefined before the first run has saved one.
   */
  async claim(owner: string, now: number, durationMs: number): Promise<{ state?: InventoryState } | undefined> {
    try {
      const claimed = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [NODE_REGISTRY_KEY]: STATE_ID },
          UpdateExpression: 'SET #owner = :owner, #until = :until',
          ConditionExpression: 'attribute_not_exists(#owner) OR #until < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': LEASE_OWNER, '#until': LEASE_UNTIL },
          ExpressionAttributeValues: { ':owner': owner, ':until': now + durationMs, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
        this.options(),
      );
      const item = claimed.Attributes ?? {};
      return { state: 'generation' in item ? stateOf(item) : undefined };
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** Saves the state and gives the lease back in one write, if `owner` still holds the lease; false if it no longer does. */
  async saveAndRelease(owner: string, state: InventoryState): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...withoutUndefined(state as unknown as Record<string, unknown>), [NODE_REGISTRY_KEY]: STATE_ID },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': LEASE_OWNER },
          ExpressionAttributeValues: { ':owner': owner },
        }),
        this.options(),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Gives the lease back without saving (a run that failed), if `owner` still holds it. */
  async release(owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [NODE_REGISTRY_KEY]: STATE_ID },
          UpdateExpression: 'REMOVE #owner, #until',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': LEASE_OWNER, '#until': LEASE_UNTIL },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }

  /** Every node, read in `segments` parallel scans; `attributes` limits what each item carries. */
  async scanNodes(segments: number, attributes?: readonly (keyof NodeRecord)[]): Promise<NodeRecord[]> {
    const projection = attributes
      ? { ProjectionExpression: attributes.map((_, index) => `#a${index}`).join(', '), ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#a${index}`, name])) }
      : {};
    const scanSegment = async (segment: number) => {
      const items: NodeRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new ScanCommand({ TableName: this.table, Segment: segment, TotalSegments: segments, ExclusiveStartKey: startKey, ...projection }),
          this.options(),
        );
        for (const item of page.Items ?? []) if (isNodeId(String(item[NODE_REGISTRY_KEY]))) items.push(item as NodeRecord);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    };
    const parts = await Promise.all(Array.from({ length: segments }, (_, segment) => scanSegment(segment)));
    return parts.flat();
  }

  /** The nodes with these IDs (those the registry has), and the inventory's state when asked for. */
  async getNodes(ids: readonly string[], withState = false, concurrency = READ_CONCURRENCY): Promise<{ nodes: Map<string, NodeRecord>; state?: InventoryState }> {
    const keys = [...new Set(ids), ...(withState ? [STATE_ID] : [])];
    const nodes = new Map<string, NodeRecord>();
    let state: InventoryState | undefined;
    const batches: string[][] = [];
    for (let start = 0; start < keys.length; start += KEYS_PER_BATCH_GET) batches.push(keys.slice(start, start + KEYS_PER_BATCH_GET));
    await forEachLimited(batches, concurrency, async (batch) => {
      let pending: Record<string, unknown>[] = batch.map((id) => ({ [NODE_REGISTRY_KEY]: id }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === UNPROCESSED_ATTEMPTS) throw new RegistryIncomplete('BatchGetItem', pending.length);
        if (attempt > 0) await delay(backoffMs(attempt));
        const read = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }), this.options());
        for (const item of read.Responses?.[this.table] ?? []) {
          const id = String(item[NODE_REGISTRY_KEY]);
          if (id === STATE_ID) state = stateOf(item);
          else if (isNodeId(id)) nodes.set(id, item as NodeRecord);
        }
        pending = (read.UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
      }
    });
    return { nodes, state };
  }

  /** Writes and removes nodes, 25 to a call and `concurrency` calls at a time, retrying what DynamoDB leaves unprocessed. */
  async writeNodes(puts: readonly NodeRecord[], deletes: readonly string[] = [], concurrency = WRITE_CONCURRENCY): Promise<void> {
    const requests = [
      ...puts.map((node) => ({ PutRequest: { Item: withoutUndefined(node) } })),
      ...deletes.map((id) => ({ DeleteRequest: { Key: { [NODE_REGISTRY_KEY]: id } } })),
    ];
    const batches: unknown[][] = [];
    for (let start = 0; start < requests.length; start += ITEMS_PER_BATCH_WRITE) batches.push(requests.slice(start, start + ITEMS_PER_BATCH_WRITE));
    await forEachLimited(batches, concurrency, async (batch) => {
      let pending = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === UNPROCESSED_ATTEMPTS) throw new RegistryIncomplete('BatchWriteItem', pending.length);
        if (attempt > 0) await delay(backoffMs(attempt));
        const written = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending as never } }), this.options());
        pending = written.UnprocessedItems?.[this.table] ?? [];
      }
    });
  }

  private options() {
    return this.signal ? { abortSignal: this.signal } : undefined;
  }
}

function stateOf(item: Record<string, unknown>): InventoryState {
  const kept = Object.entries(item).filter(([name]) => name !== NODE_REGISTRY_KEY && name !== LEASE_OWNER && name !== LEASE_UNTIL);
  return Object.fromEntries(kept) as unknown as InventoryState;
}

/** DynamoDB rejects attributes whose value is undefined. */
function withoutUndefined(item: NodeRecord | Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}

function backoffMs(attempt: number): number {
  return Math.min(1000, 50 * 2 ** attempt);
}
