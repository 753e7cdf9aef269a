import { BatchGetCommand, BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALERT_NOTES_DIGEST_INDEX, ALERT_NOTES_DIGEST_KEY, ALERT_NOTES_EXPIRY, ALERT_NOTES_KEY } from '../../contract/alert-notes';
import { forEachLimited } from './run-deadline';
import { DIRECTIONS, noteId, type Direction, type StormState, type TransitionNote } from './transition-notes';
import { delay } from './token-bucket';

export * from './transition-notes';

/** How long notes and storm items are kept: longer than any storm, and than EventBridge and Lambda retry an event. */
export const NOTE_RETENTION_SECONDS = 7 * 24 * 60 * 60;

const KEYS_PER_BATCH_GET = 100;
const ITEMS_PER_BATCH_WRITE = 25;
const UNPROCESSED_ATTEMPTS = 6;
/** Batch calls in flight at once: an on-demand table takes far more; a storm of 15,000 nodes needs this many. */
const CONCURRENCY = 16;

function stormId(direction: Direction): string {
  return `#storm#${direction}`;
}

/** Thrown when DynamoDB kept returning part of a batch as unprocessed. */
export class NotesIncomplete extends Error {
  constructor(operation: string, left: number) {
    super(`${operation} left ${left} item(s) unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`);
    this.name = 'NotesIncomplete';
  }
}

/** The alert notes table: notes by node and direction, the storm state, and the notes of one digest. */
export class AlertNotes {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** Both notes of each node (when it has them), and the storm state of both directions when asked for. */
  async read(instanceIds: readonly string[], withStorms = false): Promise<{ notes: Map<string, TransitionNote>; storms: Map<Direction, StormState> }> {
    const keys = [...new Set(instanceIds)].flatMap((id) => DIRECTIONS.map((direction) => noteId(id, direction)));
    if (withStorms) keys.push(...DIRECTIONS.map(stormId));
    const notes = new Map<string, TransitionNote>();
    const storms = new Map<Direction, StormState>();
    const batches: string[][] = [];
    for (let start = 0; start < keys.length; start += KEYS_PER_BATCH_GET) batches.push(keys.slice(start, start + KEYS_PER_BATCH_GET));
    await forEachLimited(batches, CONCURRENCY, async (batch) => {
      let pending: Record<string, unknown>[] = batch.map((id) => ({ [ALERT_NOTES_KEY]: id }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === UNPROCESSED_ATTEMPTS) throw new NotesIncomplete('BatchGetItem', pending.length);
        if (attempt > 0) await delay(Math.min(1000, 50 * 2 ** attempt));
        const read = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }), this.options());
        for (const item of read.Responses?.[this.table] ?? []) {
          const id = String(item[ALERT_NOTES_KEY]);
          if (id.startsWith('#storm#')) storms.set(item.direction as Direction, stormOf(item));
          else notes.set(id, noteOf(item));
        }
        pending = (read.UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
      }
    });
    return { notes, storms };
  }

  /** Writes notes and storm states, 25 to a call, retrying what DynamoDB leaves unprocessed. */
  async write(notes: readonly TransitionNote[], storms: readonly StormState[], at: Date): Promise<void> {
    const expiresAt = Math.floor(at.getTime() / 1000) + NOTE_RETENTION_SECONDS;
    const items = [
      ...notes.map((note) => ({ ...withoutUndefined(note), [ALERT_NOTES_KEY]: noteId(note.instanceId, note.direction), [ALERT_NOTES_EXPIRY]: expiresAt })),
      ...storms.map((storm) => ({ ...withoutUndefined(storm), [ALERT_NOTES_KEY]: stormId(storm.direction), [ALERT_NOTES_EXPIRY]: expiresAt })),
    ];
    const batches: Record<string, unknown>[][] = [];
    for (let start = 0; start < items.length; start += ITEMS_PER_BATCH_WRITE) batches.push(items.slice(start, start + ITEMS_PER_BATCH_WRITE));
    await forEachLimited(batches, CONCURRENCY, async (batch) => {
      let pending: unknown[] = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === UNPROCESSED_ATTEMPTS) throw new NotesIncomplete('BatchWriteItem', pending.length);
        if (attempt > 0) await delay(Math.min(1000, 50 * 2 ** attempt));
        const written = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending as never } }), this.options());
        pending = written.UnprocessedItems?.[this.table] ?? [];
      }
    });
  }

  /** Every note that names this digest (through the digest index, which DynamoDB keeps eventually consistent). */
  async digestNotes(digestId: string): Promise<TransitionNote[]> {
    const notes: TransitionNote[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: ALERT_NOTES_DIGEST_INDEX,
          KeyConditionExpression: '#digest = :digest',
          ExpressionAttributeNames: { '#digest': ALERT_NOTES_DIGEST_KEY },
          ExpressionAttributeValues: { ':digest': digestId },
          ExclusiveStartKey: startKey,
        }),
        this.options(),
      );
      for (const item of page.Items ?? []) notes.push(noteOf(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return notes;
  }

  private options() {
    return this.signal ? { abortSignal: this.signal } : undefined;
  }
}

/** The item without the table's own attributes (key and expiry). */
function withoutTableAttributes(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => name !== ALERT_NOTES_KEY && name !== ALERT_NOTES_EXPIRY));
}

function noteOf(item: Record<string, unknown>): TransitionNote {
  return withoutTableAttributes(item) as unknown as TransitionNote;
}

function stormOf(item: Record<string, unknown>): StormState {
  const state = withoutTableAttributes(item) as unknown as StormState;
  return { ...state, recent: state.recent ?? {} };
}

function withoutUndefined<T extends object>(item: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}
