import { VirtualClock } from '../../../fixtures/virtual-clock';
import { agentAlarm, agentAlarmVersion, instanceIdOfAlarm } from '../../../lambdas/shared/agent-alarm';
import { Deadline, forEachLimited } from '../../../lambdas/shared/run-deadline';
import { TokenBucket } from '../../../lambdas/shared/token-bucket';

// Layer: the pacing and deadline helpers the functions share, on a virtual clock.

let clock: VirtualClock;
beforeEach(() => (clock = new VirtualClock()));
afterEach(() => clock.uninstall());

describe('the token bucket', () => {
  it('spaces calls evenly, never more than the rate in any second, shared by concurrent callers', async () => {
    const bucket = new TokenBucket(3);
    const times: number[] = [];
    await clock.run(() => forEachLimited(Array.from({ length: 10 }, (_, index) => index), 4, async () => {
      await bucket.take();
      times.push(Date.now());
    }));
    const start = times[0]!;
    expect(times.map((time) => time - start)).toEqual([0, 334, 668, 1002, 1336, 1670, 2004, 2338, 2672, 3006]);
  });

  it('reserves nothing and waits for nothing when the next slot comes after the deadline', async () => {
    const bucket = new TokenBucket(1);
    const { result, seconds } = await clock.run(async () => [await bucket.take(Date.now() + 1500), await bucket.take(Date.now() + 1500), await bucket.take(Date.now() + 500)]);
    expect(result).toEqual([true, true, false]);
    expect(seconds).toBe(1);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow('a token bucket needs a positive rate, not 0');
  });
});

describe('a run deadline', () => {
  it('aborts what is in flight when it passes, and leaves no timer once disposed', async () => {
    const deadline = new Deadline(Date.now() + 1000);
    expect(deadline.passed).toBe(false);
    await clock.advance(1000);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.passed).toBe(true);
    const early = new Deadline(Date.now() + 60_000);
    early.dispose();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('lets workers finish what they started before a failure is thrown', async () => {
    const finished: number[] = [];
    const work = forEachLimited([1, 2, 3, 4], 2, async (item) => {
      await new Promise((resolve) => setTimeout(resolve, item * 100));
      if (item === 1) throw new Error('first fails');
      finished.push(item);
    });
    await expect(clock.run(() => work)).rejects.toThrow('first fails');
    // Item 2 was in flight when item 1 failed: it finished; items 3 and 4 never started.
    expect(finished).toEqual([2]);
  });
});

describe('the node alarm', () => {
  it('is named after the node, and its version changes with its definition, not with the node', () => {
    const settings = { namespace: 'SSMAgentOps/prod', alarmNamePrefix: 'ssm-agent-ops-prod-agent-' };
    expect(agentAlarm('i-0123', settings).AlarmName).toBe('ssm-agent-ops-prod-agent-i-0123');
    expect(instanceIdOfAlarm('ssm-agent-ops-prod-agent-i-0123', settings)).toBe('i-0123');
    expect(instanceIdOfAlarm('web-01-cpu', settings)).toBeUndefined();
    expect(agentAlarmVersion(settings)).toMatch(/^[0-9a-f]{12}$/);
    expect(agentAlarmVersion({ ...settings, namespace: 'SSMAgentOps/dev' })).not.toBe(agentAlarmVersion(settings));
  });
});
