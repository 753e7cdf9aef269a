import { FleetBook, REGISTRATION_WATCH_MS, type Ec2Instance } from '../../../lambdas/fleet-inventory/fleet-book';
import type { NodeRecord } from '../../../lambdas/shared/node-registry';

// Layer: the inventory's pure working copy of the registry, driven directly.

const at = new Date('2026-03-02T00:00:00Z');
const VERSION = 'v1';
const instance = (id: string, facts: Partial<Ec2Instance> = {}): Ec2Instance => ({ instanceId: id, state: 'running', tags: {}, launchedAt: '2026-01-01T00:00:00.000Z', ...facts });
const record = (id: string, facts: Partial<NodeRecord> = {}): NodeRecord => ({ id, kind: 'ec2', registered: true, state: 'running', checkedAt: '2026-01-01T00:00:00.000Z', alarm: VERSION, ...facts });
const status = (instanceId: string, pingStatus = 'Online') => ({ instanceId, pingStatus });

describe('the fleet book', () => {
  it('adds the instances a listing shows, and marks as left those a complete listing no longer shows', () => {
    const book = new FleetBook([record('i-1', { launchedAt: '2026-01-01T00:00:00.000Z' }), record('i-2', { alarm: undefined })], undefined);
    const { joined, left } = book.applyEc2Listing([instance('i-1'), instance('i-3')], true, at);
    expect({ joined, left }).toEqual({ joined: ['i-3'], left: ['i-2'] });
    // i-2 had no alarm: it is simply forgotten; i-3 waits for Systems Manager's answer.
    expect(book.takeChanges()).toEqual({ puts: [expect.objectContaining({ id: 'i-3', registered: false })], deletes: ['i-2'] });
    expect(book.registrationChecksDue(at)).toEqual(['i-3']);
  });

  it('concludes nothing from an incomplete listing about the instances it did not see', () => {
    const book = new FleetBook([record('i-1'), record('i-2')], undefined);
    expect(book.applyEc2Listing([instance('i-1')], false, at)).toEqual({ joined: [], left: [] });
    expect(book.alarmWork(VERSION)).toEqual({ create: [], delete: [] });
  });

  it('keeps a node that left until its alarm is deleted, then forgets it', () => {
    const book = new FleetBook([record('i-1')], undefined);
    book.applyEc2Listing([], true, at);
    expect(book.get('i-1')!.departedAt).toBe(at.toISOString());
    expect(book.alarmWork(VERSION)).toEqual({ create: [], delete: ['i-1'] });
    book.takeChanges();
    book.alarmDeleted('i-1');
    expect(book.get('i-1')).toBeUndefined();
    expect(book.takeChanges()).toEqual({ puts: [], deletes: ['i-1'] });
  });

  it('writes nothing when a listing confirms what the registry holds', () => {
    const book = new FleetBook([record('i-1', { launchedAt: '2026-01-01T00:00:00.000Z', tags: { 'ope-type': 'auto' } })], undefined);
    book.applyEc2Listing([instance('i-1', { tags: { 'ope-type': 'auto' } })], true, at);
    expect(book.hasChanges()).toBe(false);
    book.applyEc2Listing([instance('i-1', { state: 'stopped', tags: { 'ope-type': 'auto' } })], true, at);
    expect(book.takeChanges().puts).toEqual([expect.objectContaining({ id: 'i-1', state: 'stopped' })]);
  });

  it('judges registration only of running instances: Systems Manager does not list stopped ones', () => {
    const book = new FleetBook([record('i-1', { state: 'stopped' }), record('i-2'), record('i-3', { registered: false })], undefined);
    const unknown = book.applyRegistration(['i-1', 'i-2', 'i-3'], new Map([['i-3', status('i-3', 'Hibernating')]]), at);
    expect(book.get('i-1')!.registered).toBe(true);
    expect(book.get('i-2')!.registered).toBe(false);
    expect(book.get('i-3')).toMatchObject({ registered: true, ping: 'Hibernating' });
    expect(unknown).toEqual([status('i-3', 'Hibernating')]);
    expect(book.alarmWork(VERSION)).toEqual({ create: [], delete: ['i-2'] });
  });

  it('asks again for an hour about a running instance that is not a managed node yet', () => {
    const launchedAt = new Date(at.getTime() - 10 * 60_000).toISOString();
    const book = new FleetBook([record('i-1', { registered: false, launchedAt, alarm: undefined })], undefined);
    expect(book.registrationChecksDue(at)).toEqual(['i-1']);
    expect(book.registrationChecksDue(new Date(at.getTime() + REGISTRATION_WATCH_MS))).toEqual([]);
  });

  it('sweeps every node once per period, in ID order, wrapping around, whatever joins meanwhile', () => {
    const book = new FleetBook(['i-1', 'i-2', 'i-3', 'i-4', 'i-5'].map((id) => record(id)), undefined);
    expect(book.sweepSlice('ec2', undefined, 2)).toEqual(['i-1', 'i-2']);
    expect(book.sweepSlice('ec2', 'i-2', 2)).toEqual(['i-3', 'i-4']);
    expect(book.sweepSlice('ec2', 'i-4', 2)).toEqual(['i-5', 'i-1']);
    expect(book.sweepSlice('ec2', 'i-4', 2, new Set(['i-5']))).toEqual(['i-1', 'i-2']);
  });

  it('gives alarms to nodes in scope only: the scope tag decides', () => {
    const scope = { key: 'ope-type', values: ['auto'] };
    const book = new FleetBook(
      [record('i-1', { tags: { 'ope-type': 'auto' }, alarm: undefined }), record('mi-2', { kind: 'hybrid', tags: {}, alarm: VERSION }), record('mi-3', { kind: 'hybrid', alarm: undefined })],
      scope,
    );
    expect(book.alarmWork(VERSION)).toEqual({ create: ['i-1'], delete: ['mi-2'] });
    expect(book.hybridWithoutTags()).toEqual(['mi-3']);
  });

  it('adopts alarms that exist, deletes orphans, and forgets alarms a complete audit did not find', () => {
    const book = new FleetBook([record('i-1', { alarm: undefined }), record('i-2', { alarm: 'old' }), record('i-3')], undefined);
    const alarms = new Map([
      ['i-1', {}],
      ['i-2', {}],
      ['i-9', {}],
    ]);
    const audit = book.applyAlarmAudit(alarms, true, at, (_alarm, id) => (id === 'i-2' ? 'differs' : VERSION));
    expect(audit).toEqual({ adopted: 2, orphans: 1, missing: 1 });
    expect(book.alarmWork(VERSION)).toEqual({ create: ['i-2', 'i-3'], delete: ['i-9'] });
  });

  it('counts the nodes that want an alarm and those whose last status AWS does not document', () => {
    const book = new FleetBook([record('i-1', { ping: 'Online' }), record('i-2', { ping: 'Hibernating' }), record('i-3', { registered: false })], undefined);
    expect(book.counts()).toEqual({ nodes: 3, registered: 2, unknownStatus: 1 });
  });

  it('gives back changes whose write failed, so that the next write carries them', () => {
    const book = new FleetBook([], undefined);
    book.applyEc2Listing([instance('i-1')], true, at);
    const changes = book.takeChanges();
    expect(book.hasChanges()).toBe(false);
    book.restoreChanges(changes);
    expect(book.takeChanges()).toEqual(changes);
  });
});
