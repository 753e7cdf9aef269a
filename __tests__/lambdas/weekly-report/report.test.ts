/**
 * The weekly report end to end on the simulated AWS (aws-sdk-client-mock front door: the SDK's
 * retries are not exercised here): the fleet inventory fills the registry as deployed, the report
 * reads it with Systems Manager, State Manager and CloudWatch, and the test reads the mail an
 * operator gets. SNS is a mock that records what was published.
 */
import { VirtualClock } from '../../../fixtures/virtual-clock';
import { NODE_KINDS, registryRecords, reportFleet, writeRegistry, type NodeKind, type ReportFleet } from '../../../fixtures/weekly-report-fleet';
import { MAX_CHAT_DESCRIPTION_LENGTH } from '../../../lambdas/shared/mail/chat-notification';
import { MAX_SUBJECT_LENGTH } from '../../../lambdas/shared/mail/mail';
import { logger } from '../../../lambdas/shared/powertools';
import { agentHealth, PROD } from '../../helpers/agent-health';
import { REPORT_SETTINGS, weeklyReport } from './harness';

const MONDAY = Date.parse('2026-03-02T00:00:00Z');
const SNS_MESSAGE_BYTES = 256 * 1024;

let clock: VirtualClock;
beforeAll(() => logger.setLogLevel('SILENT'));
beforeEach(() => (clock = new VirtualClock(MONDAY)));
afterEach(() => clock.uninstall());

/** The body's sections by heading (the line starting with ■). */
function sections(body: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const block of body.split('\n\n')) if (block.startsWith('■')) found.set(block.split('\n')[0]!, block);
  return found;
}

function sectionStartingWith(body: string, prefix: string): string {
  const matches = [...sections(body)].filter(([heading]) => heading.startsWith(prefix));
  if (matches.length !== 1) throw new Error(`expected one section starting with ${prefix}, found ${matches.length}`);
  return matches[0]![1];
}

/** The instance IDs a text names. */
function idsIn(text: string): string[] {
  return [...text.matchAll(/\bi-[0-9a-f]{17}\b/g)].map((match) => match[0]).sort();
}

function idsOf(fleet: ReportFleet, ...kinds: NodeKind[]): string[] {
  return kinds.flatMap((kind) => fleet.ids[kind]).sort();
}

/** Fills the registry the way the deployed inventory does, tracking the update target and mute tags. */
async function inventoryRun(fleet: ReportFleet) {
  const health = agentHealth(fleet.aws, clock, { updateTargetTag: { ...REPORT_SETTINGS.updateTargetTag, values: [...REPORT_SETTINGS.updateTargetTag.values] }, muteTag: REPORT_SETTINGS.muteTag });
  await health.inventory();
}

describe('the weekly report on a fleet with a little of everything', () => {
  it('names every node in the right section, in Japanese, and no healthy node anywhere', async () => {
    const fleet = reportFleet(300, new Date(clock.now));
    await inventoryRun(fleet);
    const report = weeklyReport(fleet, clock);
    await report.run();
    const { subject, body } = report.mail();

    expect(subject).toBe('【週次レポート】本番アカウント: 要確認 38 台');
    const outdated = sectionStartingWith(body, '■ SSM Agent: 最新版でないノード');
    expect(idsIn(outdated)).toEqual(idsOf(fleet, 'outdated-failed', 'outdated-offline', 'outdated-succeeded', 'outdated-untargeted', 'outdated-windows'));
    for (const id of fleet.ids['outdated-failed']) expect(outdated).toMatch(new RegExp(`${id} .*前回の更新: 失敗 \\(Failed\\)`));
    for (const id of fleet.ids['outdated-offline']) expect(outdated).toMatch(new RegExp(`${id} .*前回の更新: 実行されず`));
    for (const id of fleet.ids['outdated-untargeted']) expect(outdated).toMatch(new RegExp(`${id} .*前回の更新: 対象外`));
    for (const id of [...fleet.ids['outdated-succeeded'], ...fleet.ids['outdated-windows']]) expect(outdated).toMatch(new RegExp(`${id} .*前回の更新: 成功`));

    expect(idsIn(sectionStartingWith(body, '■ 更新の対象外の管理対象ノード'))).toEqual(idsOf(fleet, 'outdated-untargeted', 'untargeted'));
    expect(idsIn(sectionStartingWith(body, '■ 更新対象 (タグ ope-type=auto) なのに'))).toEqual(idsOf(fleet, 'tagged-unmanaged'));
    expect(idsIn(sectionStartingWith(body, '■ CloudWatch Agent: 前回の更新が成功していない'))).toEqual(idsOf(fleet, 'cloudwatch-failed'));
    expect(idsIn(sectionStartingWith(body, '■ CloudWatch Agent: 3 時間メトリクスが届いていない'))).toEqual(idsOf(fleet, 'cloudwatch-silent'));
    expect(idsIn(sectionStartingWith(body, '■ 現在、SSM Agent の接続が切れている'))).toEqual(idsOf(fleet, 'lost'));
    expect(idsIn(sectionStartingWith(body, '■ 現在、停止している'))).toEqual(idsOf(fleet, 'stopped'));
    expect(idsIn(sectionStartingWith(body, '■ ミュート中のノード'))).toEqual(idsOf(fleet, 'muted'));
    const missing = sectionStartingWith(body, '■ 稼働中なのに管理対象ノードでない');
    expect(idsIn(missing)).toEqual([]);
    expect(missing).toContain('更新対象のタグが付いた 3 台は、上の');

    const week = sectionStartingWith(body, '■ 今週の失敗');
    expect(week).toContain('SSM Agent の更新失敗: 6 台 (今週の実行 1 回の延べ台数)');
    expect(week).toContain('CloudWatch Agent の更新失敗: 今週は実行なし');

    for (const id of [...fleet.ids.healthy, ...fleet.ids['outdated-new']]) expect(body).not.toContain(id);
    expect(sections(body).size).toBe(12); // ten lists, the week's failures and the runbook
  });

  it('stays under SNS limits and sends chat the same report, shortened to what chat shows', async () => {
    const fleet = reportFleet(300, new Date(clock.now));
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    const report = weeklyReport(fleet, clock);
    await report.run();
    const { subject, body } = report.mail();
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(SNS_MESSAGE_BYTES);
    expect(body).toContain('help/weekly-report.ja.md');
    expect(body).toContain('unsubscribe');

    const chat = report.chat();
    expect(chat.content.title).toBe(subject);
    expect(chat.content.description.length).toBeLessThanOrEqual(MAX_CHAT_DESCRIPTION_LENGTH);
    // Every list is in chat, shortened with the count of what was left out; nothing is cut mid-way.
    expect(chat.content.description).not.toMatch(/…$/);
    expect(chat.content.description).toMatch(/…ほか \d+ 台/);
    for (const heading of sections(body).keys()) if (!heading.startsWith('■ 対応手順')) expect(chat.content.description).toContain(heading);
  });

  it('writes English when alerts.language is en', async () => {
    const fleet = reportFleet(300, new Date(clock.now));
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    const report = weeklyReport(fleet, clock, { language: 'en' });
    await report.run();
    const { subject, body } = report.mail();
    expect(subject).toBe('[Weekly report] 本番アカウント: 38 nodes need attention');
    expect(idsIn(sectionStartingWith(body, '■ SSM Agent: nodes not on the latest version'))).toHaveLength(17);
    expect(body).toContain('last update: failed (Failed)');
    expect(body).toContain('help/weekly-report.en.md');
    expect(body.replaceAll('本番アカウント', '')).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/); // nothing in Japanese but the account's name
  });

  it('lists untagged running instances as missing when the missing scope is all-running', async () => {
    const fleet = reportFleet(300, new Date(clock.now));
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    const report = weeklyReport(fleet, clock, { missingScope: 'all-running' });
    await report.run();
    expect(idsIn(sectionStartingWith(report.mail().body, '■ 稼働中なのに管理対象ノードでない'))).toEqual(idsOf(fleet, 'untagged-unmanaged'));
  });

  it('knows untargeted nodes from Systems Manager when the registry holds only update targets', async () => {
    const fleet = reportFleet(300, new Date(clock.now));
    const records = registryRecords(fleet, new Date(clock.now)).filter((record) => record.tags?.['ope-type'] === 'auto');
    writeRegistry(fleet.aws, PROD.registryTable, records);
    const report = weeklyReport(fleet, clock, { registryScopedToTargets: true });
    await report.run();
    expect(idsIn(sectionStartingWith(report.mail().body, '■ 更新の対象外の管理対象ノード'))).toEqual(idsOf(fleet, 'outdated-untargeted', 'untargeted'));
  });

  it("lists as not connected the nodes Systems Manager says are not connected now, whatever the registry last read", async () => {
    const fleet = reportFleet(300, new Date(clock.now));
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    const [wentAway] = fleet.ids.healthy;
    const [cameBack] = fleet.ids.lost;
    fleet.aws.nodes.find((node) => node.instanceId === wentAway)!.pingStatus = 'ConnectionLost';
    fleet.aws.nodes.find((node) => node.instanceId === cameBack)!.pingStatus = 'Online';
    const report = weeklyReport(fleet, clock);
    await report.run();
    expect(idsIn(sectionStartingWith(report.mail().body, '■ 現在、SSM Agent の接続が切れている'))).toEqual([...fleet.ids.lost.slice(1), wentAway!].sort());
  });

  it('says nothing needs attention when every node is healthy, with every list empty', async () => {
    const fleet = reportFleet(50, new Date(clock.now), Object.fromEntries(NODE_KINDS.filter((kind) => kind !== 'healthy').map((kind) => [kind, 0])));
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    const report = weeklyReport(fleet, clock);
    await report.run();
    const { subject, body } = report.mail();
    expect(subject).toBe('【週次レポート】本番アカウント: 要確認なし');
    expect(idsIn(body)).toEqual([]);
    expect(body.match(/該当なし/g)).toHaveLength(9); // every list but the versions
  });
});

describe('the weekly report at scale', () => {
  it('fits 8,000 outdated nodes into one mail, every one listed or counted', async () => {
    const fleet = reportFleet(10_000, new Date(clock.now), { 'outdated-failed': 8000 });
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    const report = weeklyReport(fleet, clock);
    await report.run();
    const { body } = report.mail();
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(SNS_MESSAGE_BYTES);
    const outdated = sectionStartingWith(body, '■ SSM Agent: 最新版でないノード');
    const total = 8000 + 4 + 3 + 2 + 2; // failed, offline, succeeded, untargeted, windows
    expect(outdated.split('\n')[0]).toBe(`■ SSM Agent: 最新版でないノード (${total} 台)`);
    const listed = idsIn(outdated).length;
    const counted = Number(/…ほか (\d+) 台/.exec(outdated)?.[1]);
    expect(listed).toBeGreaterThan(100);
    expect(listed + counted).toBe(total);
    // The shorter lists are whole.
    expect(idsIn(sectionStartingWith(body, '■ 現在、SSM Agent の接続が切れている'))).toEqual(idsOf(fleet, 'lost'));
  });

  it('reads association results by status and page, never node by node, when a listing is cheaper', async () => {
    const fleet = reportFleet(5_000, new Date(clock.now), { 'outdated-succeeded': 400 });
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    fleet.aws.resetCounts();
    await weeklyReport(fleet, clock).run();
    // SSM: Failed (1 page) and the Success listing (about 5,000 / 50 pages); CloudWatch: Failed (1 page).
    const successes = fleet.aws.associations.runs.get(REPORT_SETTINGS.ssmAgentAssociationId)![1]!.targets.filter((target) => target.status === 'Success').length;
    expect(fleet.aws.statsOf('DescribeAssociationExecutionTargets').calls).toBe(1 + Math.ceil(successes / 50) + 1);
    expect(fleet.aws.statsOf('DescribeInstanceInformation').calls).toBe(Math.ceil(fleet.aws.nodes.filter((node) => node.registered !== false && node.state !== 'stopped').length / 50));
    expect(fleet.aws.statsOf('DescribeAssociationExecutionTargets').throttled).toBe(0);
    expect(fleet.aws.peakPerSecond('DescribeAssociationExecutionTargets')).toBeLessThanOrEqual(4);
  });

  it('asks about single nodes only when that takes fewer calls than the listing', async () => {
    const fleet = reportFleet(5_000, new Date(clock.now));
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    fleet.aws.resetCounts();
    await weeklyReport(fleet, clock).run();
    // Nine nodes in question (offline, succeeded, Windows) against a listing of 100 pages.
    expect(fleet.aws.statsOf('DescribeAssociationExecutionTargets').calls).toBe(1 + 9 + 1);
  });
});

describe('a weekly report that cannot be completed', () => {
  it('fails without publishing anything when a read fails, so that the retry sends it', async () => {
    const fleet = reportFleet(300, new Date(clock.now));
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    fleet.aws.fault = (operation) => (operation === 'ListMetrics' ? 'denied' : undefined);
    const report = weeklyReport(fleet, clock);
    await expect(report.run()).rejects.toThrow();
    expect(report.published()).toEqual([]);
  });

  it('fails without publishing when an update association is gone', async () => {
    const fleet = reportFleet(300, new Date(clock.now));
    writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, new Date(clock.now)));
    fleet.aws.associations.runs.delete(REPORT_SETTINGS.cloudWatchAgentAssociationId);
    const report = weeklyReport(fleet, clock);
    await expect(report.run()).rejects.toMatchObject({ name: 'AssociationDoesNotExist' });
    expect(report.published()).toEqual([]);
  });
});
