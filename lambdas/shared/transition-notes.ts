/**
 * The vocabulary of the agent watch's mail decisions, without any AWS client: the watch writes these
 * notes, the notifier reads them (see alert-notes.ts and the notifier's note reader).
 */

/** Which way a node's alarm moves: into ALARM (`lost`), or out of it (`back`: recovered, or its instance stopped). */
export type Direction = 'lost' | 'back';
export const DIRECTIONS: readonly Direction[] = ['lost', 'back'];

/**
 * What the notifier does with the alarm event of one transition:
 * - `single`: one mail for this node (a stopped instance gets the "stopped" mail, see `state`);
 * - `digest`: nothing; the digest `digestId` lists the node;
 * - `muted`: nothing; the instance carries the mute tag.
 */
export type NoteDecision = 'single' | 'digest' | 'muted';

/** EC2 instance states in which an instance is not running and its agent cannot answer: never a lost connection. */
export const STOPPED_STATES = ['stopping', 'stopped', 'shutting-down', 'terminated'] as const;

export function isStoppedState(state: string | undefined): boolean {
  return state !== undefined && (STOPPED_STATES as readonly string[]).includes(state);
}

/**
 * The watch's decision for one transition of one node, written before the node's alarm is moved.
 * One item per node and direction: a newer transition in the same direction replaces it, and a note
 * counts only while it is newer than the node's note of the other direction.
 */
export interface TransitionNote {
  instanceId: string;
  direction: Direction;
  decision: NoteDecision;
  /** When the watch decided (the timestamp of the value it published). */
  decidedAt: string;
  digestId?: string;
  /**
   * What the node is now: its ping status (`ConnectionLost`, `Online`, ...) or, for an EC2 instance
   * that is not running, its EC2 state (`stopped`, `terminated`, ...). Digests group nodes by it.
   */
  state: string;
  name?: string;
  platform?: string;
  lastPingAt?: string;
}

/** The watch's storm state of one direction, one item beside the notes. */
export interface StormState {
  direction: Direction;
  /** Mailable transitions by the minute they were decided (ISO minute), kept for the storm window. */
  recent: Record<string, number>;
  /** The open storm, if any. */
  storm?: {
    id: string;
    openedAt: string;
    /** When its last transition was decided: it closes after a quiet storm window. */
    lastAt: string;
    /** The digests (windows) mailed so far: windows up to this one are done. */
    sentThrough: number;
  };
}

export function noteId(instanceId: string, direction: Direction): string {
  return `note#${instanceId}#${direction}`;
}

/** Whether `note` still holds: it is newer than the node's note of the other direction. */
export function isCurrent(note: TransitionNote | undefined, other: TransitionNote | undefined): note is TransitionNote {
  return note !== undefined && (other === undefined || Date.parse(other.decidedAt) < Date.parse(note.decidedAt));
}
