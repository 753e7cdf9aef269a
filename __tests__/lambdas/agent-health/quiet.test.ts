import { FLEET } from '../../../fixtures/events';
import { SimulatedAws, fleetOf, type SimulatedNode } from '../../../fixtures/simulated-aws';
import { VirtualClock } from '../../../fixtures/virtual-clock';
import { AlertNotes } from '../../../lambdas/shared/alert-notes';
import { MAX_SUBJECT_LENGTH } from '../../../lambdas/shared/mail/mail';
import { agentHealth, PROD, seedAlarmedFleet } from '../../helpers/agent-health';
import { matchesEventPattern } from '../../helpers/event-pattern';
import { exampleSettings, resourcesOf, synthStack } from '../../helpers/synth';
import { notifierHarness } from '../notifier/harness';

// Layer: the watch, the inventory and the notifier against the simulation through aws-sdk-client-mock
// (no SDK retries: sdk-retries.test.ts covers those), the notifier reading the notes the watch wrote;
// CloudWatch's state changes go through the synthesized alarm rule, the watch's and the inventory's
// invocations of the notifier straight to it. Every mail the notifier publishes is counted.

const prod = synthStack(exampleSettings('prod'));
const alarmRule = JSON.parse(resourcesOf(prod, 'aws_cloudwatch_event_rule').find((rule) => rule.name === 'ssm-agent-ops-prod-agent-alarm-state').event_pattern);
const START = Date.parse('2025-03-11T06:00:00Z');
/** SNS's limit on a message: 256 KB of UTF-8. */
const SNS_MESSAGE_BYTES = 256 * 1024;

let clock: VirtualClock;
beforeEach(() => (clock = new VirtualClock(START)));
afterEach(() => clock.uninstall());

/** The product on a simulated account whose fleet already has its alarms, run minute by minute. */
function quietProduct(nodes: SimulatedNode[], overrides: Parameters<typeof agentHealth>[2] = {}) {
  const aws = new SimulatedAws({ account: FLEET.account, region: FLEET.region });
  aws.nodes.push(...nodes);
  seedAlarmedFleet(aws, new Date(START - 3_600_000));
  const product = agentHealth(aws, clock, overrides);
  const notifier = notifierHarness({}, undefined, new AlertNotes(aws.dynamodb, PROD.notesTable));
  let delivered = 0;
  let invoked = 0;
  const deliver = async () => {
    for (const change of aws.stateChanges.slice(delivered)) if (matchesEventPattern(alarmRule, change)) await clock.run(() => notifier.handler(change));
    delivered = aws.stateChanges.length;
    for (const invocation of aws.invocations.slice(invoked)) if (invocation.functionName === PROD.notifierFunction) await clock.run(() => notifier.handler(invocation.payload));
    invoked = aws.invocations.length;
  };
  return {
    aws,
    notifier,
    subjects: () => notifier.mails().map((mail) => mail.Subject!),
    /** `count` minutes: a watch run each minute (and the inventory at the top of each 15), then delivery. */
    async minutes(count: number, each: (minute: number) => void = () => undefined) {
      for (let minute = 0; minute < count; minute++) {
        each(minute);
        if (Math.round((clock.now - START) / 60_000) % 15 === 0) await product.inventory();
        await product.watch();
        await deliver();
        await clock.advance(60_000);
      }
    },
    deliver,
  };
}

describe('stopped is not lost', () => {
  it('an evening when 200 development instances are stopped on schedule mails no one', async () => {
    const { aws, minutes, subjects } = quietProduct(fleetOf(200));
    await minutes(2);
    // Systems Manager marks them ConnectionLost while they stop; the registry still says running.
    for (const node of aws.nodes) Object.assign(node, { state: 'stopping', pingStatus: 'ConnectionLost' });
    await minutes(2);
    for (const node of aws.nodes) node.state = 'stopped';
    await minutes(30);
    expect(subjects()).toEqual([]);
    expect([...aws.alarms.values()].filter((alarm) => alarm.StateValue === 'ALARM')).toEqual([]);
  });

  it('an instance lost and then stopped gives exactly one "stopped" mail after its loss, and no recovery mail', async () => {
    const { aws, minutes, subjects } = quietProduct(fleetOf(5));
    await minutes(1);
    aws.nodes[2]!.pingStatus = 'ConnectionLost';
    await minutes(3);
    aws.nodes[2]!.state = 'stopping';
    await minutes(1);
    aws.nodes[2]!.state = 'stopped';
    await minutes(20);
    expect(subjects()).toEqual(['【SSM 接続断】本番アカウント: i-00000000000000003', '【SSM 停止】本番アカウント: i-00000000000000003']);
  });

  it('does not judge an instance within the start grace period, and mails it once the period is over if its agent never answers', async () => {
    const { aws, minutes, subjects } = quietProduct(fleetOf(3));
    await minutes(1);
    Object.assign(aws.nodes[0]!, { launchTime: new Date(clock.now), pingStatus: 'ConnectionLost' });
    await minutes(9);
    expect(subjects()).toEqual([]);
    await minutes(3);
    expect(subjects()).toEqual(['【SSM 接続断】本番アカウント: i-00000000000000001']);
  });

  it('keeps judging hybrid nodes by their ping alone', async () => {
    const { aws, minutes, subjects } = quietProduct([...fleetOf(2), { instanceId: 'mi-0123456789abcdef0', pingStatus: 'Online' }]);
    await minutes(1);
    aws.nodes[2]!.pingStatus = 'ConnectionLost';
    await minutes(2);
    expect(subjects()).toEqual(['【SSM 接続断】本番アカウント: mi-0123456789abcdef0']);
  });
});

describe('mute', () => {
  it('a muted instance that loses its agent mails no one, neither the loss nor the recovery', async () => {
    const { aws, minutes, subjects } = quietProduct(fleetOf(3).map((node, index) => (index === 1 ? { ...node, tags: { 'ssm-agent-ops:mute': 'true' } } : node)));
    await minutes(1);
    aws.nodes[1]!.pingStatus = 'ConnectionLost';
    await minutes(5);
    aws.nodes[1]!.pingStatus = 'Online';
    await minutes(3);
    expect(subjects()).toEqual([]);
  });

  it('a node lost before it was muted recovers without a mail', async () => {
    const { aws, minutes, subjects } = quietProduct(fleetOf(3));
    await minutes(1);
    aws.nodes[1]!.pingStatus = 'ConnectionLost';
    await minutes(2);
    aws.nodes[1]!.tags = { 'ssm-agent-ops:mute': 'true' };
    aws.nodes[1]!.pingStatus = 'Online';
    await minutes(3);
    expect(subjects()).toEqual(['【SSM 接続断】本番アカウント: i-00000000000000002']);
  });
});

describe('storm digest', () => {
  /** Mails by kind, and what the digests say. */
  function tally(mails: { Subject?: string; Message?: string }[]) {
    const digests = mails.filter((mail) => mail.Subject!.includes('まとめ'));
    return { singles: mails.length - digests.length, digests };
  }

  /** Every node a digest lists by ID, and the nodes it says it leaves out. */
  function coverage(digests: { Message?: string }[]) {
    const listed = digests.flatMap((mail) => [...mail.Message!.matchAll(/^- (i-[0-9a-f]{17})/gm)].map((match) => match[1]!));
    const leftOut = digests.reduce((sum, mail) => sum + [...mail.Message!.matchAll(/^ほか (\d+) 台/gm)].reduce((count, match) => count + Number(match[1]), 0), 0);
    return { listed, leftOut };
  }

  function withinSnsLimits(mails: { Subject?: string; Message?: string }[]) {
    for (const mail of mails) {
      expect(mail.Subject!.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      expect(Buffer.byteLength(mail.Message!, 'utf8')).toBeLessThanOrEqual(SNS_MESSAGE_BYTES);
    }
  }

  it('3,000 of 10,000 nodes lost within one minute give at most 5 digests, and their recovery at most 5 more, every node listed or counted once', async () => {
    const { aws, minutes, notifier } = quietProduct(fleetOf(10_000));
    await minutes(1);
    const lost = aws.nodes.slice(0, 3000);
    for (const node of lost) node.pingStatus = 'ConnectionLost';
    await minutes(20);
    const down = tally(notifier.mails());
    expect(down.singles).toBe(0);
    expect(down.digests.length).toBeGreaterThanOrEqual(1);
    expect(down.digests.length).toBeLessThanOrEqual(5);
    withinSnsLimits(down.digests);
    const listed = coverage(down.digests);
    expect(new Set(listed.listed).size).toBe(listed.listed.length);
    expect(listed.listed.length + listed.leftOut).toBe(3000);
    expect(listed.listed.every((id) => lost.some((node) => node.instanceId === id))).toBe(true);

    for (const node of lost) node.pingStatus = 'Online';
    await minutes(20);
    const up = tally(notifier.mails().slice(down.digests.length));
    expect(up.singles).toBe(0);
    expect(up.digests.length).toBeLessThanOrEqual(5);
    withinSnsLimits(up.digests);
    const back = coverage(up.digests);
    expect(back.listed.length + back.leftOut).toBe(3000);
    expect([...aws.alarms.values()].filter((alarm) => alarm.StateValue === 'ALARM')).toEqual([]);
  });

  it('3 nodes lost give 3 ordinary mails', async () => {
    const { aws, minutes, subjects } = quietProduct(fleetOf(100));
    await minutes(1);
    for (const node of aws.nodes.slice(10, 13)) node.pingStatus = 'ConnectionLost';
    await minutes(3);
    expect(subjects()).toEqual([
      '【SSM 接続断】本番アカウント: i-00000000000000011',
      '【SSM 接続断】本番アカウント: i-00000000000000012',
      '【SSM 接続断】本番アカウント: i-00000000000000013',
    ]);
  });

  it('a storm spread over an hour (agents drop as their 5-minute pings fail) stays a handful of mails, with few singles at its edges', async () => {
    const { aws, minutes, notifier } = quietProduct(fleetOf(10_000));
    await minutes(1);
    // 3,000 nodes drop over 60 minutes: 50 a minute, the first minutes slowly (2, then 5).
    const order = aws.nodes.slice(0, 3000);
    let next = 0;
    await minutes(62, (minute) => {
      const count = minute === 0 ? 2 : minute === 1 ? 5 : 50;
      for (const node of order.slice(next, next + count)) node.pingStatus = 'ConnectionLost';
      next = Math.min(order.length, next + count);
    });
    await minutes(10);
    const { singles, digests } = tally(notifier.mails());
    expect(next).toBe(3000);
    // The leading edge: what came before the threshold was crossed (at most the threshold).
    expect(singles).toBeLessThanOrEqual(10);
    expect(digests.length).toBeLessThanOrEqual(8);
    const { listed, leftOut } = coverage(digests);
    expect(singles + listed.length + leftOut).toBe(3000);
  });

  it('mails each digest once when handing it to the notifier fails, and loses no node: the next run hands the same digest over', async () => {
    const { aws, minutes, notifier } = quietProduct(fleetOf(1000));
    await minutes(1);
    let refusals = 2;
    aws.fault = (operation) => (operation === 'Invoke' && refusals-- > 0 ? 'server-error' : undefined);
    for (const node of aws.nodes.slice(0, 300)) node.pingStatus = 'ConnectionLost';
    await minutes(15);
    const { singles, digests } = tally(notifier.mails());
    expect(refusals).toBeLessThan(0);
    expect(singles).toBe(0);
    const { listed, leftOut } = coverage(digests);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.length + leftOut).toBe(300);
    // Delivering every invocation again (Lambda may deliver an asynchronous event twice) mails nothing more.
    for (const invocation of aws.invocations) if (invocation.functionName === PROD.notifierFunction) await clock.run(() => notifier.handler(invocation.payload));
    expect(tally(notifier.mails()).digests).toHaveLength(digests.length);
  });
});

describe('missing', () => {
  it('mails a running update target that is not a managed node once after the grace period, and once when it registers', async () => {
    const { aws, minutes, subjects, notifier } = quietProduct(fleetOf(3));
    aws.nodes.push({ instanceId: 'i-0a1b2c3d4e5f60718', pingStatus: 'Online', registered: false, launchTime: new Date(START), tags: { 'ope-type': 'auto', Name: 'web-04' }, metadataEndpoint: 'disabled' });
    aws.nodes.push({ instanceId: 'i-0a1b2c3d4e5f60719', pingStatus: 'Online', registered: false, launchTime: new Date(START), tags: { Name: 'not-a-target' } });
    await minutes(31);
    expect(subjects()).toEqual(['【SSM 未登録】本番アカウント: i-0a1b2c3d4e5f60718 (web-04)']);
    expect(notifier.mails()[0]!.Message).toContain('インスタンスプロファイル (IAM ロール) がない');
    expect(notifier.mails()[0]!.Message).toContain('MetadataOptions.HttpEndpoint = disabled');
    // Not a managed node: the link goes to the instance in the EC2 console, where its profile and metadata settings are.
    expect(notifier.mails()[0]!.Message).toContain('https://ap-northeast-1.console.aws.amazon.com/ec2/home?region=ap-northeast-1#InstanceDetails:instanceId=i-0a1b2c3d4e5f60718');
    expect(notifier.mails()[0]!.Message).not.toContain('fleet-manager');
    await minutes(45);
    expect(subjects()).toHaveLength(1);
    aws.nodes[3]!.registered = true;
    // Missing instances are asked about in every inventory run, not only by the two-hour sweep.
    await minutes(16);
    expect(subjects()).toEqual(['【SSM 未登録】本番アカウント: i-0a1b2c3d4e5f60718 (web-04)', '【SSM 登録済み】本番アカウント: i-0a1b2c3d4e5f60718 (web-04)']);
    expect(notifier.mails()[1]!.Message).toContain('fleet-manager/managed-nodes/i-0a1b2c3d4e5f60718/general');
  });

  it('mails 500 unregistered instances found by the first deployment in one mail, listing them all', async () => {
    const { aws, minutes, notifier } = quietProduct(fleetOf(10));
    for (let index = 0; index < 500; index++) {
      aws.nodes.push({ instanceId: `i-0f${String(index).padStart(15, '0')}`, pingStatus: 'Online', registered: false, tags: { 'ope-type': 'auto' } });
    }
    await minutes(16);
    expect(notifier.mails().map((mail) => mail.Subject)).toEqual(['【SSM 未登録】本番アカウント: 500 台']);
    expect([...notifier.mails()[0]!.Message!.matchAll(/^- i-0f/gm)]).toHaveLength(500);
  });

  it('mails nothing when the scope is off', async () => {
    const { aws, minutes, subjects } = quietProduct(fleetOf(2), { missingScope: 'off' });
    aws.nodes.push({ instanceId: 'i-0a1b2c3d4e5f60718', pingStatus: 'Online', registered: false, tags: { 'ope-type': 'auto' } });
    await minutes(31);
    expect(subjects()).toEqual([]);
  });
});
