import { parseNotifierEvent } from '../../../lambdas/notifier/events';
import { ALARM, FAILED_ASSOCIATION, FAILED_COMMAND, SCHEDULED, SUCCEEDED_COMMAND, agentAlarmEvent, sampleEvent } from '../../helpers/sample-events';

const WATCHED = { watchedStatuses: ['Failed', 'TimedOut'], agentAlarmPrefix: 'ssm-agent-ops-prod-agent-' };

describe('parseNotifierEvent', () => {
  it('reads a failed Run Command invocation, taking the instance from detail, not resources', () => {
    const event = sampleEvent(FAILED_COMMAND);
    event.resources = ['arn:aws:ec2:ap-northeast-1:123456789012:instance/i-0aaaaaaaaaaaaaaaa'];
    expect(parseNotifierEvent(event, WATCHED)).toEqual({
      kind: 'command-failure',
      eventId: '11111111-2222-4333-8444-555555555555',
      account: '123456789012',
      region: 'ap-northeast-1',
      occurredAt: new Date('2025-01-07T05:00:41Z'),
      commandId: '0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9',
      documentName: 'AWS-UpdateSSMAgent',
      instanceId: 'i-0123456789abcdef0',
      status: 'Failed',
    });
  });

  it('reads a failed State Manager instance association, ignoring empty fields', () => {
    expect(parseNotifierEvent(sampleEvent(FAILED_ASSOCIATION), WATCHED)).toEqual({
      kind: 'association-failure',
      eventId: '11111111-2222-4333-8444-888888888888',
      account: '123456789012',
      region: 'ap-northeast-1',
      occurredAt: new Date('2025-01-07T05:01:10Z'),
      associationId: '34fcb7e0-9a14-4984-9989-0e04e3f60bd8',
      documentName: 'AWS-ConfigureAWSPackage',
      instanceId: 'i-0123456789abcdef0',
      status: 'Failed',
      detailedStatus: 'Failed',
      errorCode: undefined,
      executionSummary: '1 out of 1 plugin processed, 0 success, 1 failed, 0 timedout, 0 skipped.',
      lastExecutionAt: new Date('2025-01-07T05:00:30Z'),
    });
  });

  it('accepts TimedOut when it is watched', () => {
    const event = sampleEvent(FAILED_COMMAND);
    event.detail.status = 'TimedOut';
    expect(parseNotifierEvent(event, WATCHED)).toMatchObject({ kind: 'command-failure', status: 'TimedOut' });
  });

  it('rejects a status that is not watched, saying which', () => {
    expect(parseNotifierEvent(sampleEvent(SUCCEEDED_COMMAND), WATCHED)).toEqual({
      kind: 'rejected',
      eventId: '4780e1b8-f56b-4de5-95f2-95db273d1602',
      detailType: 'EC2 Command Invocation Status-change Notification',
      account: '123456789012',
      region: 'us-east-2',
      problems: ['detail.status "Success" is not a watched status (Failed, TimedOut)'],
    });
  });

  it('rejects an event of a kind it does not handle', () => {
    expect(parseNotifierEvent(sampleEvent(SCHEDULED), WATCHED)).toMatchObject({
      kind: 'rejected',
      detailType: 'Scheduled Event',
      problems: [expect.stringContaining('detail-type')],
    });
  });

  it('rejects a malformed event, naming every bad field', () => {
    const event = sampleEvent(FAILED_COMMAND);
    delete event.detail['command-id'];
    event.detail['instance-id'] = 'server-01';
    event.time = 'yesterday';
    const parsed = parseNotifierEvent(event, WATCHED);
    expect(parsed.kind).toBe('rejected');
    expect(parsed.kind === 'rejected' && parsed.problems).toEqual([
      expect.stringMatching(/^time: /),
      'detail.command-id: missing',
      'detail.instance-id: an EC2 instance or managed node ID',
    ]);
  });

  it.each([null, 'text', 42, [], {}])('rejects %p without throwing', (raw) => {
    expect(parseNotifierEvent(raw, WATCHED)).toMatchObject({ kind: 'rejected' });
  });
});

describe('parseNotifierEvent for agent alarms', () => {
  it('reads an agent alarm going to ALARM, with the colon-less CloudWatch timestamps', () => {
    const raw = agentAlarmEvent('ALARM');
    expect(raw.detail.state.timestamp).toBe('2025-01-07T04:45:10.000+0000');
    expect(parseNotifierEvent(agentAlarmEvent('ALARM'), WATCHED)).toEqual({
      kind: 'agent-alarm',
      eventId: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      account: '123456789012',
      region: 'ap-northeast-1',
      occurredAt: new Date('2025-01-07T04:45:10Z'),
      alarmName: 'ssm-agent-ops-prod-agent-i-0fedcba9876543210',
      instanceId: 'i-0fedcba9876543210',
      state: 'ALARM',
      since: new Date('2025-01-07T04:45:10Z'),
      previousState: 'OK',
      previousSince: new Date('2025-01-06T22:00:00Z'),
    });
  });

  it('reads the recovery, with when the connection was lost', () => {
    expect(parseNotifierEvent(agentAlarmEvent('OK'), WATCHED)).toMatchObject({
      kind: 'agent-alarm',
      state: 'OK',
      previousState: 'ALARM',
      since: new Date('2025-01-07T05:10:10Z'),
      previousSince: new Date('2025-01-07T04:45:10Z'),
    });
  });

  it('rejects alarms that are not agent alarms of this product, like the published CPU sample', () => {
    expect(parseNotifierEvent(sampleEvent(ALARM), WATCHED)).toMatchObject({
      kind: 'rejected',
      problems: ['detail.alarmName "ServerCpuTooHigh" is not an agent alarm of this product (ssm-agent-ops-prod-agent-<instance ID>)'],
    });
  });

  it('rejects a state other than ALARM and OK', () => {
    const event = agentAlarmEvent('ALARM');
    event.detail.state.value = 'INSUFFICIENT_DATA';
    expect(parseNotifierEvent(event, WATCHED)).toMatchObject({ kind: 'rejected', problems: ['detail.state.value "INSUFFICIENT_DATA" is neither ALARM nor OK'] });
  });
});
