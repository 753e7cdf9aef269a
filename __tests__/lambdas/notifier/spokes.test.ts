import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { GetCommandInvocationCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { accountDisplayNameReader } from '../../../lambdas/shared/display-name';
import { createNotifier } from '../../../lambdas/notifier/notifier';
import { RENEW_BEFORE_EXPIRY_MS, spokeAccess, type RoleCredentials } from '../../../lambdas/notifier/spoke-access';
import { ACCOUNT_DISPLAY_NAME, cannedAws } from '../../../fixtures/canned-aws';
import { agentAlarmEvent, failedUpdateAssociation, failedUpdateInvocation, FLEET, FLEET_AGENT_ALARM_PREFIX } from '../../../fixtures/events';
import { lambdaContext, settings } from './harness';
import { notesInMemory } from '../../../fixtures/alert-notes';
import { forwardedFromSpoke, WEB_SPOKE, WEB_SPOKE_DISPLAY_NAME } from '../../../fixtures/spokes';
import type { TransitionNote } from '../../../lambdas/shared/transition-notes';

const SPOKE = WEB_SPOKE;
const SPOKE_DISPLAY_NAME = WEB_SPOKE_DISPLAY_NAME;
const ISSUED_AT = Date.parse('2025-03-11T06:00:00Z');

const fromSpoke = forwardedFromSpoke;

/** The hub's notifier with its own canned clients, a spoke with canned clients of its own, and STS. */
function hubHarness(spokeNotesHeld: TransitionNote[] = []) {
  process.env.AWS_LAMBDA_FUNCTION_NAME = lambdaContext.functionName;
  const hub = cannedAws();
  const spoke = cannedAws();
  spoke.ssmMock.on(GetParameterCommand, { Name: SPOKE.displayNameParameter }).resolves({ Parameter: { Name: SPOKE.displayNameParameter, Value: SPOKE_DISPLAY_NAME } });
  // The spoke's tagging API only knows its own instances' ARNs.
  spoke.taggingMock.on(GetResourcesCommand).callsFake((input: { ResourceARNList?: string[] }) => ({
    ResourceTagMappingList: (input.ResourceARNList ?? [])
      .filter((arn) => arn.startsWith(`arn:aws:ec2:${SPOKE.region}:${SPOKE.account}:instance/`))
      .map((arn) => ({ ResourceARN: arn, Tags: [{ Key: 'Name', Value: 'web-use1-01' }] })),
  }));
  const sts = new STSClient({ region: FLEET.region });
  const stsMock = mockClient(sts);
  let counter = 0;
  stsMock.on(AssumeRoleCommand).callsFake(() => ({
    Credentials: {
      AccessKeyId: `ASIASPOKE${++counter}`,
      SecretAccessKey: 'secret',
      SessionToken: `token-${counter}`,
      Expiration: new Date(clock.now + 15 * 60 * 1000),
    },
  }));
  const clock = { now: ISSUED_AT };
  // Each account's agent watch keeps its own notes; the hub's notifier must read the spoke's.
  const hubNotes = notesInMemory();
  const spokeNotes = notesInMemory(spokeNotesHeld);
  const made: { region: string; credentials: () => Promise<RoleCredentials> }[] = [];
  const lookupsFor = spokeAccess({
    own: { ssm: hub.ssm, tagging: hub.tagging, accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: hub.ssm }), ACCOUNT_DISPLAY_NAME.parameterName), notes: hubNotes },
    spokes: [SPOKE],
    sts,
    now: () => clock.now,
    clientsFor: (region, credentials, { displayNameParameter }) => {
      made.push({ region, credentials });
      return { ssm: spoke.ssm, tagging: spoke.tagging, accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: spoke.ssm }), displayNameParameter), notes: spokeNotes };
    },
  });
  const handler = createNotifier({
    ssm: hub.ssm,
    tagging: hub.tagging,
    sns: hub.sns,
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'ssm-agent-ops-ops-hub-notifier-idempotency', awsSdkV3Client: hub.dynamodb }),
    accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: hub.ssm }), ACCOUNT_DISPLAY_NAME.parameterName),
    notes: hubNotes,
    settings: { ...settings, spokes: [SPOKE] },
    lookupsFor,
  });
  return { handler: (event: unknown) => handler(event, lambdaContext), hub, spoke, stsMock, made, clock };
}

describe('a hub notifier mailing a spoke’s events', () => {
  it('mails a failure from a spoke in another account and Region once, with its display name, its Region’s console link and the output read through its role', async () => {
    const { handler, hub, spoke, stsMock, made } = hubHarness();
    const event = fromSpoke(failedUpdateInvocation());

    await handler(event);
    await handler(event);

    const mails = hub.mails();
    expect(mails).toHaveLength(1);
    const message = mails[0]!.Message!;
    expect(mails[0]!.Subject).toContain(SPOKE_DISPLAY_NAME);
    expect(message).toContain(SPOKE_DISPLAY_NAME);
    expect(message).toContain(SPOKE.account);
    expect(message).toContain(`https://us-east-1.console.aws.amazon.com/systems-manager/run-command/${FLEET.updateCommandId}/${FLEET.webInstanceId}?region=us-east-1`);
    expect(message).not.toContain('ap-northeast-1.console');
    expect(message).toContain('dial tcp 52.219.152.10:443: i/o timeout');
    expect(message).toContain('web-use1-01');

    // Read in the spoke through its role, not with the hub's own credentials.
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([SPOKE.readRoleArn]);
    expect(made.map((clients) => clients.region)).toEqual([SPOKE.region]);
    await expect(made[0]!.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIASPOKE1', sessionToken: 'token-1' });
    expect(spoke.ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(1);
    expect(hub.ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
  });

  it('still reads the hub’s own events with its own clients, without assuming any role', async () => {
    const { handler, hub, stsMock } = hubHarness();
    await handler(failedUpdateInvocation());
    expect(hub.mails()).toHaveLength(1);
    expect(hub.mails()[0]!.Message).toContain('本番アカウント');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('mails a spoke’s agent alarm, recognised by the spoke’s own alarm prefix', async () => {
    const { handler, hub } = hubHarness();
    const alarm = fromSpoke(agentAlarmEvent('ALARM'));
    alarm.detail.alarmName = alarm.detail.alarmName.replace(FLEET_AGENT_ALARM_PREFIX, SPOKE.agentAlarmPrefix);
    await handler(alarm);
    expect(hub.mails()).toHaveLength(1);
    expect(hub.mails()[0]!.Message).toContain(SPOKE_DISPLAY_NAME);
    expect(hub.mails()[0]!.Message).toContain('us-east-1');
  });

  it('reads the spoke’s own notes for its agent alarm: a node its watch put in a digest gets no mail of its own', async () => {
    const alarm = fromSpoke(agentAlarmEvent('ALARM'));
    alarm.detail.alarmName = alarm.detail.alarmName.replace(FLEET_AGENT_ALARM_PREFIX, SPOKE.agentAlarmPrefix);
    const instanceId = alarm.detail.alarmName.slice(SPOKE.agentAlarmPrefix.length);
    const { handler, hub } = hubHarness([{ instanceId, direction: 'lost', decision: 'digest', digestId: 'lost@2025-03-11T06:18:04.000Z#0', decidedAt: '2025-03-11T06:00:00Z', state: 'ConnectionLost' }]);
    await handler(alarm);
    expect(hub.mails()).toHaveLength(0);
  });

  it('keeps a role’s credentials until shortly before they expire, then assumes it again', async () => {
    const { handler, stsMock, made, clock } = hubHarness();
    await handler(fromSpoke(failedUpdateInvocation()));
    clock.now += 15 * 60 * 1000 - RENEW_BEFORE_EXPIRY_MS - 1000;
    await expect(made[0]!.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIASPOKE1' });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    clock.now += 2000;
    await expect(made[0]!.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIASPOKE2' });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('mails once, without what it cannot read, when the spoke’s role refuses the hub (a definite answer, not retried)', async () => {
    const { handler, hub, spoke, stsMock } = hubHarness();
    stsMock.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied', $fault: 'client' }));

    await handler(fromSpoke(failedUpdateAssociation()));

    const mails = hub.mails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.Message).toContain(SPOKE.account);
    expect(mails[0]!.Message).toContain('Run Command のコマンドと結び付けられませんでした');
    expect(spoke.ssmMock.calls()).toHaveLength(0);
  });

  it('fails the invocation, so that Lambda retries it, while STS cannot answer', async () => {
    const { handler, hub, stsMock } = hubHarness();
    stsMock.on(AssumeRoleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $retryable: { throttling: true } }));

    await expect(handler(fromSpoke(failedUpdateInvocation()))).rejects.toThrow(/AssumeRole of arn:aws:iam::555555555555:role\/ssm-agent-ops-web-use1-hub-read failed \(Throttling\)/);
    expect(hub.mails()).toHaveLength(0);

    stsMock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIA2', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(ISSUED_AT + 3_600_000) } });
    await handler(fromSpoke(failedUpdateInvocation()));
    expect(hub.mails()).toHaveLength(1);
  });

  it('names the spoke’s account, not the hub’s, in the mail about an event it cannot handle, even while STS cannot answer', async () => {
    const { handler, hub } = hubHarness();
    const unwatched = fromSpoke(failedUpdateInvocation());
    unwatched.detail.status = 'Cancelled';
    await handler(unwatched);
    expect(hub.mails()).toHaveLength(1);
    expect(hub.mails()[0]!.Subject).toContain(SPOKE_DISPLAY_NAME);
    expect(hub.mails()[0]!.Subject).not.toContain('本番アカウント');

    const { handler: again, hub: otherHub, stsMock: otherSts } = hubHarness();
    otherSts.on(AssumeRoleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client' }));
    await again(unwatched);
    expect(otherHub.mails()).toHaveLength(1);
    expect(otherHub.mails()[0]!.Subject).toContain(SPOKE.account);
    expect(otherHub.mails()[0]!.Subject).not.toContain('本番アカウント');
  });
});
