import { PENDING_CONFIRMATION, planCheck, statusOf, type TopicSubscription } from '../../../lambdas/subscription-check/plan';

const TOPIC = 'arn:aws:sns:ap-northeast-1:333333333333:OPE';
const confirmed = (endpoint: string, protocol = 'email'): TopicSubscription => ({ protocol, endpoint, subscriptionArn: `${TOPIC}:0f1e2d3c` });
const pending = (endpoint: string): TopicSubscription => ({ protocol: 'email', endpoint, subscriptionArn: PENDING_CONFIRMATION });
const NOW = new Date('2025-03-12T00:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3600_000);

describe('statusOf', () => {
  it('takes the best of an address’s subscriptions, by e-mail only', () => {
    expect(statusOf('ops@example.com', [pending('ops@example.com'), confirmed('OPS@example.com')])).toBe('confirmed');
    expect(statusOf('ops@example.com', [pending('ops@example.com')])).toBe('pending');
    expect(statusOf('ops@example.com', [confirmed('ops@example.com', 'email-json')])).toBe('missing');
    // The console briefly shows a deleted subscription as "Deleted"; it delivers nothing.
    expect(statusOf('ops@example.com', [{ protocol: 'email', endpoint: 'ops@example.com', subscriptionArn: 'Deleted' }])).toBe('missing');
  });
});

describe('planCheck', () => {
  const input = { emails: ['ops@example.com', 'oncall@example.com'], now: NOW, maxPendingHours: 24 };

  it('reports nothing and remembers nothing while every address is confirmed', () => {
    expect(planCheck({ ...input, subscriptions: [confirmed('ops@example.com'), confirmed('oncall@example.com')], remembered: [] })).toEqual({
      statuses: [
        { address: 'ops@example.com', status: 'confirmed' },
        { address: 'oncall@example.com', status: 'confirmed' },
      ],
      newlyLost: [],
      lostCount: 0,
      confirmedCount: 2,
      remember: [],
      forget: [],
    });
  });

  it('reports a missing address once, remembering when', () => {
    const plan = planCheck({ ...input, subscriptions: [confirmed('ops@example.com')], remembered: [] });
    expect(plan.newlyLost).toEqual([{ address: 'oncall@example.com', reason: 'missing' }]);
    expect(plan.remember).toEqual([{ address: 'oncall@example.com', pendingSince: undefined, lossReportedAt: NOW }]);
    const next = planCheck({ ...input, subscriptions: [confirmed('ops@example.com')], remembered: plan.remember });
    expect(next).toEqual(expect.objectContaining({ newlyLost: [], remember: [], forget: [], lostCount: 1 }));
  });

  it('gives a waiting subscription maxPendingHours from when it was first seen waiting', () => {
    const subscriptions = [confirmed('ops@example.com'), pending('oncall@example.com')];
    const first = planCheck({ ...input, subscriptions, remembered: [] });
    expect(first).toEqual(expect.objectContaining({ newlyLost: [], lostCount: 0, remember: [{ address: 'oncall@example.com', pendingSince: NOW }] }));
    const within = planCheck({ ...input, subscriptions, remembered: [{ address: 'oncall@example.com', pendingSince: hoursAgo(23.9) }] });
    expect(within).toEqual(expect.objectContaining({ newlyLost: [], lostCount: 0, remember: [] }));
    const past = planCheck({ ...input, subscriptions, remembered: [{ address: 'oncall@example.com', pendingSince: hoursAgo(24) }] });
    expect(past.newlyLost).toEqual([{ address: 'oncall@example.com', reason: 'pending' }]);
    expect(past.remember).toEqual([{ address: 'oncall@example.com', pendingSince: hoursAgo(24), lossReportedAt: NOW }]);
  });

  it('forgets an address once it is confirmed again, and addresses no longer configured', () => {
    const plan = planCheck({
      ...input,
      subscriptions: [confirmed('ops@example.com'), confirmed('oncall@example.com')],
      remembered: [
        { address: 'oncall@example.com', lossReportedAt: hoursAgo(48) },
        { address: 'left-the-team@example.com', lossReportedAt: hoursAgo(48) },
      ],
    });
    expect(plan.forget).toEqual(['oncall@example.com', 'left-the-team@example.com']);
    expect(plan.newlyLost).toEqual([]);
  });

  it('keeps quiet about a reported address that subscribed again but has not confirmed yet', () => {
    const plan = planCheck({ ...input, subscriptions: [confirmed('ops@example.com'), pending('oncall@example.com')], remembered: [{ address: 'oncall@example.com', lossReportedAt: hoursAgo(24) }] });
    expect(plan).toEqual(expect.objectContaining({ newlyLost: [], remember: [], forget: [], confirmedCount: 1 }));
  });
});
