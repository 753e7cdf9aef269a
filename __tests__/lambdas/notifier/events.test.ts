import { parseNotifierEvent } from '../../../lambdas/notifier/events';
import {
  FLEET,
  agentAlarmEvent,
  associationStatusChange,
  failedPackageAssociation,
  failedPackageAssociationRun,
  noTargetsAssociationRun,
  failedUpdateInvocation,
  scheduledEvent,
  succeededUpdateInvocation,
} from '../../../fixtures/events';

const WATCHED = { watchedStatuses: ['Failed', 'TimedOut'], agentAlarmPrefix: 'ssm-agent-ops-prod-agent-' };

describe('parseNotifierEvent', () => {
  it('reads a failed Run Command invocation, taking the instance from detail, not resources', () => {
    const event = failedUpdateInvocation();
    event.resources = ['arn:aws:ec2:ap-northeast-1:333333333333:instance/i-0aaaaaaaaaaaaaaaa'];
    expect(parseNotifierEvent(event, WATCHED)).toEqual({
      kind: 'command-failure',
      eventId: '6d77e484-db19-4922-b838-e79bd87fd183',
      account: '333333333333',
      region: 'ap-northeast-1',
      occurredAt: new Date('2025-03-11T05:02:17Z'),
      commandId: '829ca3f2-3efb-4134-98f4-a6c88ba00922',
      documentName: 'AWS-UpdateSSMAgent',
      instanceId: 'i-036dd0598d3fe4cd7',
      status: 'Failed',
    });
  });

  it('takes the instance from detail when resources name another one, as in the invocation sample AWS publishes', () => {
    const event = succeededUpdateInvocation();
    expect(event.resources[0]).not.toContain(event.detail['instance-id']);
    event.detail.status = 'Failed';
    expect(parseNotifierEvent(event, WATCHED)).toMatchObject({ kind: 'command-failure', instanceId: FLEET.batchInstanceId });
  });

  it('reads a failed State Manager instance association, ignoring empty fields', () => {
    expect(parseNotifierEvent(failedPackageAssociation(), WATCHED)).toEqual({
      kind: 'association-failure',
      eventId: '47dbb175-07a6-4814-b115-fb14c65a81cb',
      account: '333333333333',
      region: 'ap-northeast-1',
      occurredAt: new Date('2025-03-11T21:39:26Z'),
      associationId: '5b21afa3-59bb-49a8-aba7-cd2472213abc',
      documentName: 'AWS-ConfigureAWSPackage',
      instanceId: 'i-0c90ceacf4b0ea3e5',
      status: 'Failed',
      detailedStatus: 'Failed',
      errorCode: undefined,
      executionSummary: '1 out of 1 plugin processed, 0 success, 1 failed, 0 timedout, 0 skipped.',
      lastExecutionAt: new Date('2025-03-11T21:37:53Z'),
    });
  });

  it('reads an instance association whose document version is the literal Optional.empty, as State Manager sends it', () => {
    expect(associationStatusChange().detail['document-version']).toBe('Optional.empty');
    const event = failedPackageAssociation();
    event.detail['document-version'] = 'Optional.empty';
    expect(parseNotifierEvent(event, WATCHED)).toMatchObject({ kind: 'association-failure', documentName: 'AWS-ConfigureAWSPackage' });
  });

  it('accepts TimedOut when it is watched', () => {
    const event = failedUpdateInvocation();
    event.detail.status = 'TimedOut';
    expect(parseNotifierEvent(event, WATCHED)).toMatchObject({ kind: 'command-failure', status: 'TimedOut' });
  });

  it('rejects a status that is not watched, saying which', () => {
    expect(parseNotifierEvent(succeededUpdateInvocation(), WATCHED)).toEqual({
      kind: 'rejected',
      eventId: '962531de-077a-43cd-99ff-76e0f054c625',
      detailType: 'EC2 Command Invocation Status-change Notification',
      account: '333333333333',
      region: 'ap-northeast-1',
      problems: ['detail.status "Success" is not a watched status (Failed, TimedOut)'],
    });
  });

  it('rejects an event of a kind it does not handle', () => {
    expect(parseNotifierEvent(scheduledEvent(), WATCHED)).toMatchObject({
      kind: 'rejected',
      detailType: 'Scheduled Event',
      problems: [expect.stringContaining('detail-type')],
    });
  });

  it('rejects a malformed event, naming every bad field', () => {
    const event: any = failedUpdateInvocation();
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
    expect(raw.detail.state.timestamp).toBe('2025-03-11T06:19:31.742+0000');
    expect(parseNotifierEvent(agentAlarmEvent('ALARM'), WATCHED)).toEqual({
      kind: 'agent-alarm',
      eventId: '40361538-8d71-4852-86ec-77ee9cd6229b',
      account: '333333333333',
      region: 'ap-northeast-1',
      occurredAt: new Date('2025-03-11T06:19:31Z'),
      alarmName: 'ssm-agent-ops-prod-agent-i-0c90ceacf4b0ea3e5',
      instanceId: 'i-0c90ceacf4b0ea3e5',
      state: 'ALARM',
      since: new Date('2025-03-11T06:19:31.742Z'),
      previousState: 'OK',
      previousSince: new Date('2025-02-20T03:15:44.901Z'),
    });
  });

  it('reads the recovery, with when the connection was lost', () => {
    expect(parseNotifierEvent(agentAlarmEvent('OK'), WATCHED)).toMatchObject({
      kind: 'agent-alarm',
      state: 'OK',
      previousState: 'ALARM',
      since: new Date('2025-03-11T06:51:02.318Z'),
      previousSince: new Date('2025-03-11T06:19:31.742Z'),
    });
  });

  it('rejects alarms that are not agent alarms of this product, like a CPU alarm of the same instance', () => {
    const cpu = agentAlarmEvent('ALARM');
    cpu.detail.alarmName = 'web-01-cpu-high';
    cpu.detail.configuration.metrics[0]!.metricStat.metric = { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: FLEET.webInstanceId } };
    expect(parseNotifierEvent(cpu, WATCHED)).toMatchObject({
      kind: 'rejected',
      problems: ['detail.alarmName "web-01-cpu-high" is not an agent alarm of this product (ssm-agent-ops-prod-agent-<instance ID>)'],
    });
  });

  it('rejects a state other than ALARM and OK', () => {
    const event = agentAlarmEvent('ALARM');
    event.detail.state.value = 'INSUFFICIENT_DATA';
    expect(parseNotifierEvent(event, WATCHED)).toMatchObject({ kind: 'rejected', problems: ['detail.state.value "INSUFFICIENT_DATA" is neither ALARM nor OK'] });
  });
});

describe('parseNotifierEvent for association runs', () => {
  it('reads a failed run with its targets and counts, which arrive as JSON text', () => {
    expect(parseNotifierEvent(associationStatusChange(), WATCHED)).toEqual({
      kind: 'association-run',
      eventId: 'aa870a2e-66f8-4486-ab77-84232f1dce1e',
      account: '333333333333',
      region: 'ap-northeast-1',
      occurredAt: new Date('2025-03-11T05:02:31Z'),
      associationId: FLEET.updateAssociationId,
      associationName: undefined,
      associationVersion: '1',
      documentName: 'AWS-UpdateSSMAgent',
      status: 'Failed',
      reachedNoNode: false,
      nodeCounts: { Failed: 1, Success: 1 },
      targets: ['tag:ope-type = auto'],
      scheduleExpression: 'cron(0 5 ? * TUE *)',
      lastExecutionAt: new Date('2025-03-11T05:00:02Z'),
    });
  });

  it('takes a run that no node reported on for one that reached no node', () => {
    expect(parseNotifierEvent(noTargetsAssociationRun(), WATCHED)).toMatchObject({ kind: 'association-run', status: 'Success', reachedNoNode: true, nodeCounts: {} });
    const failedEmpty = failedPackageAssociationRun();
    failedEmpty.detail['association-status-aggregated-count'] = '{}';
    expect(parseNotifierEvent(failedEmpty, WATCHED)).toMatchObject({ kind: 'association-run', status: 'Failed', reachedNoNode: true });
  });

  it('reads the association name when the event carries one', () => {
    const event: any = failedPackageAssociationRun();
    event.detail['association-name'] = 'prod-update-cloudwatch-agent';
    expect(parseNotifierEvent(event, WATCHED)).toMatchObject({ associationName: 'prod-update-cloudwatch-agent' });
  });

  it.each([
    ['a run that succeeded on its nodes', { status: 'Success', 'association-status-aggregated-count': '{"Success":2}' }, 'the association run succeeded'],
    ['a run in progress', { status: 'Pending', 'association-status-aggregated-count': '{}' }, 'the association run is still in progress'],
  ])('needs no mail for %s', (_case, change, reason) => {
    const event = associationStatusChange();
    Object.assign(event.detail, change);
    expect(parseNotifierEvent(event, WATCHED)).toEqual({ kind: 'nothing-to-mail', eventId: event.id, reason });
  });

  it('rejects a status that associations do not have, and keeps reading counts and targets it cannot parse as unknown', () => {
    const odd = associationStatusChange();
    odd.detail.status = 'Degraded';
    expect(parseNotifierEvent(odd, WATCHED)).toMatchObject({ kind: 'rejected', problems: ['detail.status "Degraded" is not an association status (Pending, Success, Failed)'] });
    const unreadable = associationStatusChange();
    unreadable.detail['association-status-aggregated-count'] = 'Failed=1';
    unreadable.detail.targets = 'tag:ope-type';
    expect(parseNotifierEvent(unreadable, WATCHED)).toMatchObject({ kind: 'association-run', nodeCounts: undefined, targets: undefined, reachedNoNode: false });
  });
});
