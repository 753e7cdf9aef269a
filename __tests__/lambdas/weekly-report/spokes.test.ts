/**
 * The weekly report of a hub with spokes: the scheduled run starts one invocation per covered stack,
 * and a spoke's invocation reads the spoke's account and Region through the spoke's read role. The
 * clients are aws-sdk-client-mock stubs of the SDK's `send` (the SDK's retries are not exercised
 * here); each call records the client it was sent through, whose credentials and Region the tests read.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  DescribeInstanceInformationCommand,
  GetParameterCommand,
  ListAssociationsCommand,
  SSMClient,
  type ListAssociationsCommandInput,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Spoke } from '../../../contract/spokes';
import { scheduledEvent } from '../../../fixtures/events';
import { lambdaContext } from '../../../fixtures/lambda-context';
import { SPOKE_REPORT_SETTINGS } from '../../../fixtures/weekly-report-fleet';
import { logger } from '../../../lambdas/shared/powertools';
import { STACK_REPORT_SOURCE } from '../../../lambdas/weekly-report/fan-out';
import { createWeeklyReport, type StackClients } from '../../../lambdas/weekly-report/report';
import { spokeReadClients } from '../../../lambdas/weekly-report/spoke-clients';
import { WEEKLY_REPORT_TIMEOUT_SECONDS } from '../../../stacks/weekly-report';
import { REPORT_SETTINGS } from './harness';

const HUB = { account: '123456789012', region: 'ap-northeast-1' };
const FUNCTION = 'ssm-agent-ops-prod-weekly-report';
const spokeOf = (environment: string, account: string, region: string, suffix: string): Spoke => ({
  environment,
  account,
  region,
  readRoleArn: `arn:aws:iam::${account}:role/ssm-agent-ops-${environment}${suffix}-hub-read`,
  displayNameParameter: `/ops/ssm-agent-ops/${environment}/account-display-name`,
  agentAlarmPrefix: `ssm-agent-ops-${environment}${suffix}-agent-`,
  watchedStatuses: ['Failed', 'TimedOut'],
  notesTable: `ssm-agent-ops-${environment}${suffix}-alert-notes`,
  report: { ...SPOKE_REPORT_SETTINGS, associationNames: { ssmAgent: `${environment}-update-ssm-agent`, cloudWatchAgent: `${environment}-update-cloudwatch-agent` } },
});
const WEB = spokeOf('web', '555555555555', 'us-east-1', '-use1');
const BATCH = spokeOf('batch', '666666666666', 'us-west-2', '');
/** Which account a role's session signs for: the access key names it. */
const KEY_OF_ACCOUNT: Record<string, string> = { [WEB.account]: 'ASIAWEBSPOKE', [BATCH.account]: 'ASIABATCHSPOKE', [HUB.account]: 'AKIAHUB' };
const ASSOCIATION_IDS: Record<string, string> = {
  'web-update-ssm-agent': '11111111-1111-4111-8111-111111111111',
  'web-update-cloudwatch-agent': '22222222-2222-4222-8222-222222222222',
  'batch-update-ssm-agent': '33333333-3333-4333-8333-333333333333',
  'batch-update-cloudwatch-agent': '44444444-4444-4444-8444-444444444444',
};
const OUTDATED = 'i-0a1b2c3d4e5f60718';
const CURRENT = 'i-0a1b2c3d4e5f60719';
const NOW = new Date();

const sts = new STSClient({ region: HUB.region, credentials: { accessKeyId: 'AKIAHUB', secretAccessKey: 'hub' } });
const stsMock = mockClient(sts);
const ssmMock = mockClient(SSMClient);
const cloudwatchMock = mockClient(CloudWatchClient);
const dynamodbMock = mockClient(DynamoDBDocumentClient);
const sns = new SNSClient({ region: HUB.region, credentials: { accessKeyId: 'AKIAHUB', secretAccessKey: 'hub' } });
const snsMock = mockClient(sns);
const lambda = new LambdaClient({ region: HUB.region, credentials: { accessKeyId: 'AKIAHUB', secretAccessKey: 'hub' } });
const lambdaMock = mockClient(lambda);

/** The hub's own clients, signing with the function's own credentials. */
function ownClients(): StackClients {
  const config = { region: HUB.region, credentials: { accessKeyId: 'AKIAHUB', secretAccessKey: 'hub' } };
  return {
    ssm: new SSMClient(config),
    cloudwatch: new CloudWatchClient(config),
    registry: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
    accountDisplayName: async () => '本番アカウント',
  };
}

/** Every stack answers alike: one node on an old SSM Agent whose update failed, one current node. */
function fleetAnswers() {
  stsMock.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => ({
    Credentials: { AccessKeyId: KEY_OF_ACCOUNT[input.RoleArn!.split(':')[4]!], SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) },
  }));
  ssmMock.on(ListAssociationsCommand).callsFake((input: ListAssociationsCommandInput) => {
    const name = input.AssociationFilterList![0]!.value!;
    return { Associations: [{ AssociationName: name, AssociationId: ASSOCIATION_IDS[name] }] };
  });
  ssmMock.on(GetParameterCommand).callsFake((input: { Name: string }) => ({
    Parameter: { Name: input.Name, Type: 'String', Value: input.Name.includes('/web/') ? 'Web サービスアカウント' : 'バッチアカウント' },
  }));
  ssmMock.on(DescribeInstanceInformationCommand).resolves({
    InstanceInformationList: [
      { InstanceId: OUTDATED, AgentVersion: '3.2.582.0', IsLatestVersion: false, PlatformType: 'Linux', PingStatus: 'Online' },
      { InstanceId: CURRENT, AgentVersion: '3.3.1611.0', IsLatestVersion: true, PlatformType: 'Linux', PingStatus: 'Online' },
    ],
  });
  const run = (executionId: string, counts: string) => ({
    AssociationExecutions: [{ ExecutionId: executionId, CreatedTime: new Date(NOW.getTime() - 86_400_000), Status: 'Failed', ResourceCountByStatus: counts }],
  });
  ssmMock
    .on(DescribeAssociationExecutionsCommand)
    .callsFake((input: { AssociationId: string }) =>
      input.AssociationId.startsWith('1111') || input.AssociationId.startsWith('3333') || input.AssociationId === REPORT_SETTINGS.ssmAgentAssociationId
        ? run('aaaaaaaa-1111-4111-8111-111111111111', '{Failed=1, Success=1}')
        : run('bbbbbbbb-2222-4222-8222-222222222222', '{Success=2}'),
    );
  ssmMock.on(DescribeAssociationExecutionTargetsCommand).resolves({ AssociationExecutionTargets: [{ ResourceId: OUTDATED, Status: 'Failed', DetailedStatus: 'Failed' }] });
  cloudwatchMock.on(ListMetricsCommand).resolves({
    Metrics: [OUTDATED, CURRENT].map((id) => ({ Namespace: 'CWAgent', MetricName: 'mem_used_percent', Dimensions: [{ Name: 'InstanceId', Value: id }] })),
  });
  dynamodbMock.on(ScanCommand).resolves({
    Items: [OUTDATED, CURRENT].map((id) => ({ id, kind: 'ec2', registered: true, ping: 'Online', state: 'running', platform: 'Linux', tags: { 'ope-type': 'auto' } })),
  });
  snsMock.on(PublishCommand).resolves({ MessageId: 'message' });
  lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
}

function hubReport(spokes: readonly Spoke[] = [WEB, BATCH]) {
  return createWeeklyReport({
    ...ownClients(),
    sns,
    settings: { ...REPORT_SETTINGS, topicArn: `arn:aws:sns:${HUB.region}:${HUB.account}:OPE`, chatTopicArn: undefined },
    spokes: { spokes, clientsOf: spokeReadClients({ sts }), lambda },
  });
}
const context = () => lambdaContext(FUNCTION, WEEKLY_REPORT_TIMEOUT_SECONDS, 'request-1', HUB.account, HUB.region);
const stackEvent = (stack: Spoke | 'own') => ({ source: STACK_REPORT_SOURCE, stack: stack === 'own' ? 'own' : { account: stack.account, region: stack.region } });

/** The access key and Region of the client every call of these mocks was sent through. */
async function signersOf(...mocks: { calls: () => { thisValue: unknown }[] }[]): Promise<Set<string>> {
  const signers = new Set<string>();
  for (const mock of mocks) {
    for (const call of mock.calls()) {
      const { config } = call.thisValue as SSMClient;
      const credentials = await (config.credentials as () => Promise<{ accessKeyId: string }>)();
      signers.add(`${credentials.accessKeyId} ${await config.region()}`);
    }
  }
  return signers;
}

const mails = () => snsMock.commandCalls(PublishCommand).map((call) => ({ subject: call.args[0].input.Subject!, body: call.args[0].input.Message! }));

beforeAll(() => logger.setLogLevel('SILENT'));
beforeEach(() => {
  for (const mock of [stsMock, ssmMock, cloudwatchMock, dynamodbMock, snsMock, lambdaMock]) mock.reset();
  fleetAnswers();
});

describe('the scheduled run of a hub with spokes', () => {
  it('starts one asynchronous invocation of itself per covered stack, and reads and mails nothing itself', async () => {
    const summary = await hubReport()(scheduledEvent(), context());

    const invocations = lambdaMock.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(invocations.map((input) => [input.FunctionName, input.InvocationType])).toEqual(Array(3).fill([`arn:aws:lambda:${HUB.region}:${HUB.account}:function:${FUNCTION}`, 'Event']));
    expect(invocations.map((input) => JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)))).toEqual([stackEvent('own'), stackEvent(WEB), stackEvent(BATCH)]);
    expect(summary).toEqual({ started: [HUB, { account: WEB.account, region: WEB.region }, { account: BATCH.account, region: BATCH.region }] });
    expect(stsMock.calls()).toHaveLength(0);
    expect(ssmMock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('fails, to be retried, when Lambda refuses to start one of the reports', async () => {
    lambdaMock.on(InvokeCommand).resolvesOnce({ StatusCode: 202 }).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' })).resolves({ StatusCode: 202 });
    await expect(hubReport()(scheduledEvent(), context())).rejects.toThrow(`Could not start the weekly report of ${WEB.account} ${WEB.region} (TooManyRequestsException)`);
  });

  it('reports its own stack directly when it has no spokes, as a standalone stack does', async () => {
    await hubReport([])(scheduledEvent(), context());
    expect(lambdaMock.calls()).toHaveLength(0);
    expect(mails().map((mail) => mail.subject)).toEqual(['【週次レポート】本番アカウント: 要確認 1 台']);
  });
});

describe('a spoke’s report', () => {
  it('is read in the spoke’s account and Region through its read role, and names its display name and Region', async () => {
    const summary = await hubReport()(stackEvent(WEB), context());

    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([WEB.readRoleArn]);
    expect(await signersOf(ssmMock, cloudwatchMock, dynamodbMock)).toEqual(new Set(['ASIAWEBSPOKE us-east-1']));
    // The registry table and the update associations are the spoke's own, found by their names.
    expect(dynamodbMock.commandCalls(ScanCommand).map((call) => call.args[0].input.TableName)).toContain(SPOKE_REPORT_SETTINGS.registryTable);
    expect(ssmMock.commandCalls(ListAssociationsCommand).map((call) => call.args[0].input.AssociationFilterList)).toEqual([
      [{ key: 'AssociationName', value: 'web-update-ssm-agent' }],
      [{ key: 'AssociationName', value: 'web-update-cloudwatch-agent' }],
    ]);
    expect(new Set(ssmMock.commandCalls(DescribeAssociationExecutionsCommand).map((call) => call.args[0].input.AssociationId))).toEqual(
      new Set([ASSOCIATION_IDS['web-update-ssm-agent'], ASSOCIATION_IDS['web-update-cloudwatch-agent']]),
    );
    expect(ssmMock.commandCalls(GetParameterCommand).map((call) => call.args[0].input.Name)).toEqual([WEB.displayNameParameter]);

    const [mail] = mails();
    expect(mail!.subject).toBe('【週次レポート】Web サービスアカウント us-east-1: 要確認 1 台');
    expect(mail!.body).toContain('Web サービスアカウント (555555555555)');
    expect(mail!.body).toMatch(new RegExp(`${OUTDATED} .*前回の更新: 失敗`));
    const links = [...mail!.body.matchAll(/https:\/\/\S+/g)].map((match) => match[0]).filter((link) => link.includes('console'));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toContain('region=us-east-1');
    expect(mail!.body).toContain(`state-manager/${ASSOCIATION_IDS['web-update-ssm-agent']}/description`);
    expect(summary).toMatchObject({ account: WEB.account, region: WEB.region, managed: 2 });
    expect(snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn)).toEqual([`arn:aws:sns:${HUB.region}:${HUB.account}:OPE`]);
  });

  it('of the hub’s own stack is read with the function’s own credentials and names the hub’s Region too', async () => {
    await hubReport()(stackEvent('own'), context());
    expect(stsMock.calls()).toHaveLength(0);
    expect(await signersOf(ssmMock, cloudwatchMock, dynamodbMock)).toEqual(new Set(['AKIAHUB ap-northeast-1']));
    expect(mails().map((mail) => mail.subject)).toEqual(['【週次レポート】本番アカウント ap-northeast-1: 要確認 1 台']);
  });

  it('fails when the read role refuses the report, mailing nothing, and another spoke’s report is untouched', async () => {
    stsMock
      .on(AssumeRoleCommand, { RoleArn: WEB.readRoleArn })
      .rejects(Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } }));
    const report = hubReport();
    await expect(report(stackEvent(WEB), context())).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(ssmMock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);

    await report(stackEvent(BATCH), context());
    expect(await signersOf(ssmMock, cloudwatchMock, dynamodbMock)).toEqual(new Set(['ASIABATCHSPOKE us-west-2']));
    expect(mails().map((mail) => mail.subject)).toEqual(['【週次レポート】バッチアカウント us-west-2: 要確認 1 台']);
  });

  it('fails when a read in the spoke is denied, mailing nothing', async () => {
    ssmMock.on(DescribeInstanceInformationCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $fault: 'client' }));
    await expect(hubReport()(stackEvent(WEB), context())).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('fails, naming the association, when the spoke has no association or several of that name', async () => {
    ssmMock.on(ListAssociationsCommand).resolves({ Associations: [] });
    await expect(hubReport()(stackEvent(WEB), context())).rejects.toThrow('The spoke web (555555555555 us-east-1) has 0 associations named web-update-ssm-agent; the weekly report needs exactly one');
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('fails, naming what is allowed, for a stack the hub does not cover', async () => {
    await expect(hubReport()({ source: STACK_REPORT_SOURCE, stack: { account: '777777777777', region: 'eu-west-1' } }, context())).rejects.toThrow(
      'The report event\'s stack {"account":"777777777777","region":"eu-west-1"} is not a stack this hub covers; allowed: "own", {"account":"555555555555","region":"us-east-1"}, {"account":"666666666666","region":"us-west-2"}',
    );
    expect(stsMock.calls()).toHaveLength(0);
  });
});
