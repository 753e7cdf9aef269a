/** The weekly report's pure modules: which node is in which condition, how results are read, how lists are shortened. */
import type { NodeRecord } from '../../../lambdas/shared/node-registry';
import { compareVersions, isUpdateTarget, nodeCondition, type ClassificationSettings } from '../../../lambdas/weekly-report/fleet-facts';
import { latestFinishedRun, parseResourceCounts, statusesToRead, successLookup, weekFailures } from '../../../lambdas/weekly-report/gathering-plan';
import { isOutdated, newestLatestVersion, updateResult } from '../../../lambdas/weekly-report/sections';
import { largestFittingCap, renderBlocks, type ShortenableList } from '../../../lambdas/weekly-report/shorten';

const NOW = new Date('2026-03-02T00:00:00Z');
const SETTINGS: ClassificationSettings = {
  updateTargetTag: { key: 'ope-type', values: ['auto', 'weekly'] },
  muteTag: { key: 'ssm-agent-ops:mute', value: 'true' },
  startGraceMinutes: 10,
  missingScope: 'update-targets',
};
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const node = (fields: Partial<NodeRecord>): NodeRecord => ({ id: 'i-00000000000000001', kind: 'ec2', registered: true, ping: 'Online', state: 'running', launchedAt: minutesAgo(600), ...fields });
const tagged = { 'ope-type': 'auto' };

describe('the condition of a node now', () => {
  it.each([
    ['stopped', node({ state: 'stopped' }), 'stopped'],
    ['stopping', node({ state: 'stopping' }), 'stopped'],
    ['shutting down', node({ state: 'shutting-down' }), 'stopped'],
    ['terminated', node({ state: 'terminated', registered: false }), 'stopped'],
    ['stopped and muted: stopped first', node({ state: 'stopped', tags: { 'ssm-agent-ops:mute': 'true' } }), 'stopped'],
    ['muted and lost: muted', node({ ping: 'ConnectionLost', tags: { 'ssm-agent-ops:mute': 'true' } }), 'muted'],
    ['mute tag with another value', node({ ping: 'ConnectionLost', tags: { 'ssm-agent-ops:mute': 'false' } }), 'lost'],
    ['ConnectionLost', node({ ping: 'ConnectionLost' }), 'lost'],
    ['Inactive', node({ ping: 'Inactive' }), 'lost'],
    ['online', node({}), undefined],
    ['a tagged instance not managed, past the grace period', node({ registered: false, ping: undefined, tags: tagged }), 'missing'],
    ['a tagged instance not managed, started 5 minutes ago', node({ registered: false, ping: undefined, tags: tagged, launchedAt: minutesAgo(5) }), undefined],
    ['an untagged instance not managed (update-targets scope)', node({ registered: false, ping: undefined }), undefined],
    ['a hybrid node that deregistered', node({ id: 'mi-0123456789abcdef0', kind: 'hybrid', registered: false, state: undefined }), undefined],
  ])('%s', (_case, record, expected) => {
    expect(nodeCondition(record, SETTINGS, NOW)).toBe(expected);
  });

  it('counts every running instance that is not managed as missing with the all-running scope, and none with off', () => {
    const untagged = node({ registered: false, ping: undefined });
    expect(nodeCondition(untagged, { ...SETTINGS, missingScope: 'all-running' }, NOW)).toBe('missing');
    expect(nodeCondition(node({ registered: false, tags: tagged }), { ...SETTINGS, missingScope: 'off' }, NOW)).toBeUndefined();
  });

  it('knows update targets by any of the tag values, and not at all when a hybrid node has no known tags', () => {
    expect(isUpdateTarget(node({ tags: { 'ope-type': 'weekly' } }), SETTINGS)).toBe(true);
    expect(isUpdateTarget(node({ tags: { 'ope-type': 'manual' } }), SETTINGS)).toBe(false);
    expect(isUpdateTarget(node({}), SETTINGS)).toBe(false);
    expect(isUpdateTarget(node({ kind: 'hybrid' }), SETTINGS)).toBeUndefined();
    expect(isUpdateTarget(undefined, { ...SETTINGS, registryScopedToTargets: true })).toBe(false);
    expect(isUpdateTarget(node({}), { ...SETTINGS, registryScopedToTargets: true })).toBe(true);
  });
});

describe('agent versions', () => {
  it('compare part by part as numbers', () => {
    expect(compareVersions('3.3.1611.0', '3.3.987.0')).toBeGreaterThan(0);
    expect(compareVersions('3.2.582.0', '3.3.0.0')).toBeLessThan(0);
    expect(compareVersions('3.3.1611.0', '3.3.1611.0')).toBe(0);
    expect(compareVersions('3.3', '3.3.0.0')).toBe(0);
  });

  it('are outdated as a Linux node says, and elsewhere when older than the newest version a node calls latest', () => {
    const nodes = [
      { id: 'a', agentVersion: '3.3.1611.0', isLatestVersion: true, platformType: 'Linux' },
      { id: 'b', agentVersion: '3.3.987.0', isLatestVersion: false, platformType: 'Linux' },
      { id: 'c', agentVersion: '3.3.987.0', platformType: 'Windows' },
      { id: 'd', agentVersion: '3.3.1611.0', platformType: 'Windows' },
      // What a Windows node says is no evidence either way.
      { id: 'e', agentVersion: '3.3.1611.0', isLatestVersion: false, platformType: 'Windows' },
      { id: 'f', agentVersion: '3.4.0.0', isLatestVersion: true, platformType: 'Windows' },
    ];
    const latest = newestLatestVersion(nodes);
    expect(latest).toBe('3.3.1611.0');
    expect(nodes.map((entry) => isOutdated(entry, latest))).toEqual([false, true, true, false, false, false]);
    // Without any Linux node to tell, nothing can be called outdated.
    expect(isOutdated(nodes[2]!, undefined)).toBe(false);
  });
});

describe('association results', () => {
  const run = (createdAt: string, status: string, counts: Record<string, number>) => ({ executionId: createdAt, createdAt: new Date(createdAt), status, counts });

  it('reads ResourceCountByStatus as the service writes it, and as JSON', () => {
    expect(parseResourceCounts('{Failed=1, Success=2}')).toEqual({ Failed: 1, Success: 2 });
    expect(parseResourceCounts('{"TimedOut":3}')).toEqual({ TimedOut: 3 });
    expect(parseResourceCounts(undefined)).toEqual({});
  });

  it('take the newest finished run, and read only the statuses it has besides Success', () => {
    const runs = [run('2026-02-17T05:00:00Z', 'Success', { Success: 10 }), run('2026-02-24T05:00:00Z', 'Failed', { Success: 8, Failed: 1, TimedOut: 1 }), run('2026-03-01T05:00:00Z', 'InProgress', { Pending: 10 })];
    const latest = latestFinishedRun(runs)!;
    expect(latest.createdAt.toISOString()).toBe('2026-02-24T05:00:00.000Z');
    expect(statusesToRead(latest)).toEqual(['Failed', 'TimedOut']);
  });

  it('learn successes by the cheaper way: single nodes while fewer than the pages of the listing', () => {
    const latest = run('2026-02-24T05:00:00Z', 'Success', { Success: 5000 });
    expect(successLookup(latest, [])).toEqual({ kind: 'none' });
    expect(successLookup(latest, Array.from({ length: 100 }, (_, index) => `i-${index}`))).toMatchObject({ kind: 'by-node' });
    expect(successLookup(latest, Array.from({ length: 101 }, (_, index) => `i-${index}`))).toEqual({ kind: 'listing', pages: 100 });
    expect(successLookup(run('2026-02-24T05:00:00Z', 'Failed', { Failed: 3 }), ['i-1'])).toEqual({ kind: 'none' });
  });

  it("count the week's failed nodes and the runs that failed without any node", () => {
    expect(
      weekFailures([run('2026-02-24T05:00:00Z', 'Failed', { Success: 8, Failed: 2, TimedOut: 1, Skipped: 4 }), run('2026-02-25T05:00:00Z', 'Failed', {}), run('2026-02-26T05:00:00Z', 'Success', { Success: 3 })]),
    ).toEqual({ runs: 3, failedNodeRuns: 3, failedRunsWithoutNodes: 1 });
  });

  it('give each node its last result: failed, succeeded, not run, or not targeted', () => {
    const facts = { associationId: 'a', notSucceeded: new Map([['i-1', { status: 'Failed', detailedStatus: 'Failed' }]]), succeeded: new Set(['i-2']), weekRuns: [] };
    expect(updateResult('i-1', facts, true)).toEqual({ kind: 'failed', status: 'Failed', detailedStatus: 'Failed' });
    expect(updateResult('i-2', facts, true)).toEqual({ kind: 'succeeded' });
    expect(updateResult('i-3', facts, true)).toEqual({ kind: 'not-run' });
    expect(updateResult('i-3', facts, undefined)).toEqual({ kind: 'not-run' });
    expect(updateResult('i-3', facts, false)).toEqual({ kind: 'not-targeted' });
  });
});

describe('shortening lists to fit', () => {
  const list = (count: number, name: string): ShortenableList => ({
    head: [`■ ${name} (${count})`],
    items: Array.from({ length: count }, (_, index) => `- ${name}-${index}`),
    more: (left) => `…ほか ${left} 台`,
    tail: [],
    empty: '該当なし',
  });
  const shown = (text: string) => text.split('\n').filter((line) => line.startsWith('- ')).length;
  const counted = (text: string) => Number(/ほか (\d+) 台/.exec(text)?.[1] ?? 0);

  it('gives every list the same cap, leaves short lists whole, and lists or counts every item', () => {
    const blocks = ['summary', list(5000, 'long'), list(3, 'short'), list(0, 'empty')];
    const fits = (texts: string[]) => texts.join('\n\n').length <= 2000;
    const cap = largestFittingCap(blocks, fits);
    const [, long, short, empty] = renderBlocks(blocks, cap);
    expect(fits(renderBlocks(blocks, cap))).toBe(true);
    expect(fits(renderBlocks(blocks, cap + 1))).toBe(false);
    expect(shown(long!) + counted(long!)).toBe(5000);
    expect(shown(short!)).toBe(3);
    expect(counted(short!)).toBe(0);
    expect(empty).toBe('■ empty (0)\n該当なし');
  });

  it('shows everything when everything fits, and only counts when nothing else does', () => {
    const blocks = [list(10, 'a'), list(20, 'b')];
    expect(largestFittingCap(blocks, () => true)).toBe(20);
    expect(largestFittingCap(blocks, () => false)).toBe(0);
    expect(renderBlocks(blocks, 0)[1]).toBe('■ b (20)\n…ほか 20 台');
  });
});
