import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ALERT_NOTES_EXPIRY, ALERT_NOTES_KEY } from '../../contract/alert-notes';
import { DIRECTIONS, noteId, type TransitionNote } from '../shared/transition-notes';

/** Reads the agent watch's notes of some nodes. */
export interface NoteReader {
  read(instanceIds: readonly string[]): Promise<{ notes: Map<string, TransitionNote> }>;
}

/**
 * The notifier's reader of the alert notes: a node's two notes, by two GetItem calls in parallel
 * through the plain DynamoDB client the idempotency layer already uses (no other command or client
 * is added to the notifier's cold start). Any failure fails the read.
 */
export function noteReader(dynamodb: DynamoDBClient, table: string): NoteReader {
  return {
    async read(instanceIds) {
      const notes = new Map<string, TransitionNote>();
      const ids = instanceIds.flatMap((instanceId) => DIRECTIONS.map((direction) => noteId(instanceId, direction)));
      await Promise.all(
        ids.map(async (id) => {
          const read = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { [ALERT_NOTES_KEY]: { S: id } } }));
          if (!read.Item) return;
          const note = unmarshall(read.Item);
          delete note[ALERT_NOTES_KEY];
          delete note[ALERT_NOTES_EXPIRY];
          notes.set(id, note as TransitionNote);
        }),
      );
      return { notes };
    },
  };
}
