import { DIRECTIONS, isCurrent, noteId, type Direction, type NoteDecision, type StormState, type TransitionNote } from '../shared/alert-notes';

/** One node whose alarm the watch is about to move, with what its mail (or digest line) shows. */
export interface Transition {
  instanceId: string;
  direction: Direction;
  muted: boolean;
  /** Ping status, or the EC2 state of an instance that is not running. */
  state: string;
  name?: string;
  platform?: string;
  lastPingAt?: string;
}

export interface StormSettings {
  /** More mailable transitions of one direction than this within the window open a storm. */
  threshold: number;
  windowMinutes: number;
}

/** A digest to mail now: the notes that name `digestId`. */
export interface DueDigest {
  digestId: string;
  direction: Direction;
  /** When the storm opened, and which of its digests this is (0 is the first). */
  openedAt: string;
  sequence: number;
}

export interface MailPlan {
  /** Notes to write before any value is published (new decisions only: a current note is reused). */
  notes: TransitionNote[];
  /** Each transition's decision, new or reused. */
  decisions: Map<string, TransitionNote>;
  /** Storm states to write with the notes (those that changed). */
  storms: StormState[];
  /** The storm state of both directions after this run's decisions, changed or not. */
  states: Map<Direction, StormState>;
  /** Digests whose window has closed and that are not mailed yet, oldest first. */
  due: DueDigest[];
}

const MINUTE_MS = 60_000;

/**
 * Minutes from a storm's opening to the end of its digest window `sequence`. Window 0 is the run that
 * opened the storm (mailed at once); then the windows double: with a 5-minute storm window they end
 * 5, 15, 35, 75 and 155 minutes after the opening, so an hour-long storm is mailed in about six digests
 * and a short one in two or three, whatever the minute-by-minute spread of its transitions.
 */
export function windowEndMinutes(sequence: number, stormWindowMinutes: number): number {
  return sequence <= 0 ? 0 : stormWindowMinutes * (2 ** sequence - 1);
}

/** The digest window a transition decided `offsetMs` after its storm opened belongs to. */
export function windowOf(offsetMs: number, stormWindowMinutes: number): number {
  if (offsetMs <= 0) return 0;
  let sequence = 1;
  while (windowEndMinutes(sequence, stormWindowMinutes) * MINUTE_MS < offsetMs) sequence += 1;
  return sequence;
}

export function digestIdOf(stormId: string, sequence: number): string {
  return `${stormId}#${sequence}`;
}

function minuteKey(at: Date): string {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS).toISOString();
}

/**
 * Decides how each transition of one run is mailed, and which digests are due. A node keeps a note
 * that is still current (written by an earlier run whose values were not published): it is neither
 * counted nor listed again. Muted nodes are never mailed and never count towards a storm. Otherwise,
 * per direction: while a storm is open, or when this run's transitions with those of the storm window
 * before it exceed the threshold (which opens one), every transition goes into the storm's current
 * digest; below it, each gets a mail of its own.
 */
export function planMail(transitions: readonly Transition[], existing: ReadonlyMap<string, TransitionNote>, stormsNow: ReadonlyMap<Direction, StormState>, settings: StormSettings, at: Date): MailPlan {
  const decidedAt = at.toISOString();
  const notes: TransitionNote[] = [];
  const decisions = new Map<string, TransitionNote>();
  const storms: StormState[] = [];
  const states = new Map<Direction, StormState>();
  const due: DueDigest[] = [];

  for (const direction of DIRECTIONS) {
    const previous = stormsNow.get(direction);
    const state: StormState = { direction, recent: { ...(previous?.recent ?? {}) }, storm: previous?.storm ? { ...previous.storm } : undefined };
    const mine = transitions.filter((transition) => transition.direction === direction);
    const fresh: Transition[] = [];
    for (const transition of mine) {
      const other: Direction = direction === 'lost' ? 'back' : 'lost';
      const current = existing.get(noteId(transition.instanceId, direction));
      if (isCurrent(current, existing.get(noteId(transition.instanceId, other)))) decisions.set(transition.instanceId, current);
      else fresh.push(transition);
    }
    const mailable = fresh.filter((transition) => !transition.muted);

    for (const key of Object.keys(state.recent)) if (Date.parse(key) <= at.getTime() - settings.windowMinutes * MINUTE_MS) delete state.recent[key];
    if (mailable.length > 0) state.recent[minuteKey(at)] = (state.recent[minuteKey(at)] ?? 0) + mailable.length;
    const inWindow = Object.values(state.recent).reduce((sum, count) => sum + count, 0);
    if (!state.storm && inWindow > settings.threshold) {
      state.storm = { id: `${direction}@${decidedAt}`, openedAt: decidedAt, lastAt: decidedAt, sentThrough: -1 };
    }
    const storm = state.storm;
    if (storm && mailable.length > 0) storm.lastAt = decidedAt;

    for (const transition of fresh) {
      let decision: NoteDecision = 'single';
      let digestId: string | undefined;
      if (transition.muted) decision = 'muted';
      else if (storm) {
        decision = 'digest';
        digestId = digestIdOf(storm.id, windowOf(at.getTime() - Date.parse(storm.openedAt), settings.windowMinutes));
      }
      const note: TransitionNote = {
        instanceId: transition.instanceId,
        direction,
        decision,
        decidedAt,
        digestId,
        state: transition.state,
        name: transition.name,
        platform: transition.platform,
        lastPingAt: transition.lastPingAt,
      };
      notes.push(note);
      decisions.set(transition.instanceId, note);
    }

    if (storm) {
      const quiet = at.getTime() - Date.parse(storm.lastAt) >= settings.windowMinutes * MINUTE_MS;
      const last = windowOf(Date.parse(storm.lastAt) - Date.parse(storm.openedAt), settings.windowMinutes);
      if (quiet && storm.sentThrough >= last) state.storm = undefined;
      else for (let sequence = storm.sentThrough + 1; sequence <= last; sequence++) {
        const ends = Date.parse(storm.openedAt) + windowEndMinutes(sequence, settings.windowMinutes) * MINUTE_MS;
        if (ends > at.getTime() && !quiet) break;
        due.push({ digestId: digestIdOf(storm.id, sequence), direction, openedAt: storm.openedAt, sequence });
      }
    }
    const changed = mailable.length > 0 || JSON.stringify(state) !== JSON.stringify({ direction, recent: previous?.recent ?? {}, storm: previous?.storm });
    if (changed || previous === undefined) storms.push(state);
    states.set(direction, state);
  }
  return { notes, decisions, storms, states, due };
}

/**
 * The storm state after `digest` was mailed: its window is done, and a quiet storm whose every digest
 * is mailed is over (the next transitions are mailed one by one again, until a new storm opens).
 */
export function afterDigest(state: StormState, digest: DueDigest, settings: StormSettings, at: Date): StormState {
  const storm = state.storm;
  if (!storm || digestIdOf(storm.id, digest.sequence) !== digest.digestId) return state;
  const sentThrough = Math.max(storm.sentThrough, digest.sequence);
  const last = windowOf(Date.parse(storm.lastAt) - Date.parse(storm.openedAt), settings.windowMinutes);
  const quiet = at.getTime() - Date.parse(storm.lastAt) >= settings.windowMinutes * MINUTE_MS;
  if (quiet && sentThrough >= last) return { direction: state.direction, recent: state.recent };
  return { ...state, storm: { ...storm, sentThrough } };
}

/** Whether a storm of either direction is open (the watch then reads the storm state even in a run without transitions). */
export function anyStormOpen(storms: ReadonlyMap<Direction, StormState>): boolean {
  return [...storms.values()].some((state) => state.storm !== undefined);
}
