import { afterDigest, planMail, windowEndMinutes, windowOf, type Transition } from '../../../lambdas/agent-watch/mail-plan';
import { noteId, type Direction, type StormState, type TransitionNote } from '../../../lambdas/shared/transition-notes';

const SETTINGS = { threshold: 10, windowMinutes: 5 };
const at = (minute: number) => new Date(Date.parse('2025-03-11T06:00:00Z') + minute * 60_000);
const lost = (count: number, from = 0, extra: Partial<Transition> = {}): Transition[] =>
  Array.from({ length: count }, (_, index) => ({ instanceId: `i-${String(from + index).padStart(17, '0')}`, direction: 'lost', muted: false, state: 'ConnectionLost', ...extra }));
const noStorms = new Map<Direction, StormState>();

describe('digest windows', () => {
  it('mail the opening run at once, then windows twice as long as the one before', () => {
    expect([0, 1, 2, 3, 4, 5].map((sequence) => windowEndMinutes(sequence, 5))).toEqual([0, 5, 15, 35, 75, 155]);
    expect(windowOf(0, 5)).toBe(0);
    expect(windowOf(60_000, 5)).toBe(1);
    expect(windowOf(5 * 60_000, 5)).toBe(1);
    expect(windowOf(5 * 60_000 + 1, 5)).toBe(2);
    expect(windowOf(60 * 60_000, 5)).toBe(4);
  });
});

describe('planMail', () => {
  it('mails up to the threshold one by one, and opens a storm beyond it', () => {
    const few = planMail(lost(10), new Map(), noStorms, SETTINGS, at(0));
    expect(few.notes.map((note) => note.decision)).toEqual(Array(10).fill('single'));
    expect(few.due).toEqual([]);
    const many = planMail(lost(11), new Map(), noStorms, SETTINGS, at(0));
    expect(new Set(many.notes.map((note) => note.decision))).toEqual(new Set(['digest']));
    expect(many.due).toEqual([{ digestId: 'lost@2025-03-11T06:00:00.000Z#0', direction: 'lost', openedAt: '2025-03-11T06:00:00.000Z', sequence: 0 }]);
  });

  it('counts the window before: 6 a minute for two minutes opens a storm in the second', () => {
    const first = planMail(lost(6), new Map(), noStorms, SETTINGS, at(0));
    expect(first.notes.every((note) => note.decision === 'single')).toBe(true);
    const second = planMail(lost(6, 100), new Map(), first.states, SETTINGS, at(1));
    expect(second.notes.every((note) => note.decision === 'digest')).toBe(true);
  });

  it('never mails or counts a muted node', () => {
    const plan = planMail(lost(20, 0, { muted: true }), new Map(), noStorms, SETTINGS, at(0));
    expect(new Set(plan.notes.map((note) => note.decision))).toEqual(new Set(['muted']));
    expect(plan.states.get('lost')!.storm).toBeUndefined();
  });

  it('reuses a current note instead of deciding again, and decides again after a transition the other way', () => {
    const [transition] = lost(1);
    const earlier: TransitionNote = { instanceId: transition!.instanceId, direction: 'lost', decision: 'digest', digestId: 'lost@x#0', decidedAt: at(0).toISOString(), state: 'ConnectionLost' };
    const reused = planMail([transition!], new Map([[noteId(transition!.instanceId, 'lost'), earlier]]), noStorms, SETTINGS, at(1));
    expect(reused.notes).toEqual([]);
    expect(reused.decisions.get(transition!.instanceId)).toEqual(earlier);
    const back: TransitionNote = { ...earlier, direction: 'back', decision: 'single', digestId: undefined, decidedAt: at(1).toISOString(), state: 'Online' };
    const decided = planMail([transition!], new Map([[noteId(transition!.instanceId, 'lost'), earlier], [noteId(transition!.instanceId, 'back'), back]]), noStorms, SETTINGS, at(2));
    expect(decided.notes).toHaveLength(1);
  });

  it('makes a digest due once its window has closed, and ends a quiet storm after its last digest', () => {
    const opened = planMail(lost(20), new Map(), noStorms, SETTINGS, at(0));
    const sent = new Map(opened.states);
    sent.set('lost', afterDigest(opened.states.get('lost')!, opened.due[0]!, SETTINGS, at(0)));
    const later = planMail(lost(3, 100), new Map(), sent, SETTINGS, at(2));
    expect(later.notes.every((note) => note.digestId === 'lost@2025-03-11T06:00:00.000Z#1')).toBe(true);
    expect(later.due).toEqual([]);
    const due = planMail([], new Map(), later.states, SETTINGS, at(5));
    expect(due.due.map((digest) => digest.sequence)).toEqual([1]);
    const done = afterDigest(due.states.get('lost')!, due.due[0]!, SETTINGS, at(8));
    expect(done.storm).toBeUndefined();
  });
});
