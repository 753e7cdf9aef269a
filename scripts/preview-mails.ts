/**
 * Every mail the product writes, each with the chat notification published beside it, built by the
 * real functions (the notifier from the repository's fixture events, the subscription check from a
 * topic that lost a subscription) against mocked AWS: what `npm run preview` prints, and what the tests
 * hold every mail kind to.
 */
import type { Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { Language } from '../contract/languages';
import { createNotifier } from '../lambdas/notifier/notifier';
import { createSubscriptionCheck } from '../lambdas/subscription-check/check';
import { DescribeAssociationExecutionsCommand, GetParameterCommand, ListCommandInvocationsCommand, SSMServiceException } from '@aws-sdk/client-ssm';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { spokeAccess } from '../lambdas/notifier/spoke-access';
import { createWeeklyReport } from '../lambdas/weekly-report/report';
import { VirtualClock } from '../fixtures/virtual-clock';
import { registryRecords, reportFleetSettings, reportFleet, writeRegistry } from '../fixtures/weekly-report-fleet';
import { ACCOUNT_DISPLAY_NAME, cannedAws, type CannedAws } from '../fixtures/canned-aws';
import { forwardedFromSpoke, WEB_SPOKE, WEB_SPOKE_DISPLAY_NAME } from '../fixtures/spokes';
import { answerCloudWatchAgentUpdateRuns, cloudWatchAgentUpdateInvocation } from '../fixtures/cloudwatch-agent-update';
import {
  FLEET_AGENT_ALARM_PREFIX,
  FLEET,
  agentAlarmEvent,
  associationStatusChange,
  failedPackageAssociation,
  failedUpdateInvocation,
  noTargetsAssociationRun,
  productEvent,
  succeededUpdateInvocation,
} from '../fixtures/events';
import { PROD_ALERT_ADDRESSES, PROD_ALERT_TOPIC, PROD_CHAT_TOPIC, subscriptionAws } from '../fixtures/subscription-aws';
import { notesInMemory } from '../fixtures/alert-notes';
import { AGENT_DIGEST_DETAIL_TYPE, UNMANAGED_INSTANCE_DETAIL_TYPE } from '../contract/events';
import type { TransitionNote } from '../lambdas/shared/transition-notes';
import { digestDetail, type DigestNode } from '../lambdas/shared/product-events';

/** One alert as its recipients see it: the mail, and the chat notification as the chat topic carries it. */
export interface PreviewedAlert {
  title: string;
  /** The function that wrote the mail (a `render…Mail` of lambdas/). */
  renderer: string;
  subject: string;
  body: string;
  /** The chat topic's message, parsed. */
  chat: unknown;
}

const NOTIFIER = 'ssm-agent-ops-prod-notifier';
const SUBSCRIPTION_CHECK = 'ssm-agent-ops-prod-subscription-check';
const WEEKLY_REPORT = 'ssm-agent-ops-prod-weekly-report';
/** The contact the preview's mails name in their closing note. */
export const PREVIEW_CONTACT: Record<Language, string> = { ja: '運用チームのリーダー (ops-lead@example.com)', en: 'the operations team lead (ops-lead@example.com)' };


/**
 * The notifier's mails, in the order an operator meets them; `aws` lets an entry change what AWS
 * answers; `fromSpoke` has the hub's notifier mail an event its spoke forwarded, read through the
 * spoke's role.
 */
const NOTIFIER_MAILS: { title: string; renderer: string; event: () => unknown; aws?: (aws: CannedAws) => void; notes?: TransitionNote[]; fromSpoke?: true }[] = [
  { title: 'SSM Agent update failed (Run Command)', renderer: 'renderFailureMail', event: failedUpdateInvocation },
  {
    title: 'The association run of that update failed as a whole (one node failed, one succeeded)',
    renderer: 'renderAssociationRunMail',
    event: associationStatusChange,
  },
  { title: 'CloudWatch Agent update failed (State Manager association, late in the UTC day)', renderer: 'renderFailureMail', event: failedPackageAssociation },
  {
    title: "CloudWatch Agent configuration failed (the environment's own update document; the instance role cannot read the parameter)",
    renderer: 'renderFailureMail',
    event: cloudWatchAgentUpdateInvocation,
  },
  {
    title: 'A State Manager failure that cannot be linked to its Run Command command (the notifier may not read the run)',
    renderer: 'renderFailureMail',
    event: () => ({ ...failedPackageAssociation(), id: 'c7e2a9d4-1f3b-4c5d-8e6f-7a8b9c0d1e2f' }),
    aws: (aws) => {
      const denied = new SSMServiceException({ name: 'AccessDeniedException', message: 'not authorized', $fault: 'client', $metadata: {} });
      aws.ssmMock.on(DescribeAssociationExecutionsCommand).rejects(denied);
      aws.ssmMock.on(ListCommandInvocationsCommand).rejects(denied);
    },
  },
  {
    title: 'The SSM Agent update association ran on no node (its targets match nothing)',
    renderer: 'renderAssociationRunMail',
    event: noTargetsAssociationRun,
  },
  { title: 'SSM Agent connection lost (agent alarm ALARM)', renderer: 'renderAgentAlarmMail', event: () => agentAlarmEvent('ALARM') },
  { title: 'SSM Agent connection restored (agent alarm OK)', renderer: 'renderAgentAlarmMail', event: () => agentAlarmEvent('OK') },
  {
    title: 'The instance whose connection was lost was then stopped (agent alarm OK, the watch noted the stop)',
    renderer: 'renderInstanceStoppedMail',
    event: () => agentAlarmEvent('OK'),
    notes: [{ instanceId: FLEET.windowsInstanceId, direction: 'back', decision: 'single', decidedAt: '2025-03-11T06:50:04Z', state: 'stopped', name: 'win-app-02', platform: 'Windows Server 2022 Datacenter', lastPingAt: '2025-03-11T06:17:12Z' }],
  },
  {
    title: 'Storm digest: 1,500 nodes lost at once behind one VPC endpoint (the first digest of the storm)',
    renderer: 'renderAgentDigestMail',
    event: () => productEvent(AGENT_DIGEST_DETAIL_TYPE, 'lost@2025-03-11T06:18:04.000Z#0', digestDetail({ digestId: 'lost@2025-03-11T06:18:04.000Z#0', direction: 'lost', openedAt: '2025-03-11T06:18:04.000Z', sequence: 0 }, stormNodes(1500, 'ConnectionLost'))),
  },
  {
    title: 'Storm digest: their recovery, some of them stopped meanwhile (the second digest of the recovery)',
    renderer: 'renderAgentDigestMail',
    event: () =>
      productEvent(
        AGENT_DIGEST_DETAIL_TYPE,
        'back@2025-03-11T07:02:04.000Z#1',
        digestDetail({ digestId: 'back@2025-03-11T07:02:04.000Z#1', direction: 'back', openedAt: '2025-03-11T07:02:04.000Z', sequence: 1 }, [...stormNodes(40, 'Online'), ...stormNodes(3, 'stopped').map((node, index) => ({ ...node, instanceId: `i-0ee${String(index).padStart(14, '0')}` }))]),
      ),
  },
  {
    title: 'SSM 未登録: an update target running for an hour that never registered (no instance profile)',
    renderer: 'renderUnmanagedInstanceMail',
    event: () =>
      productEvent(UNMANAGED_INSTANCE_DETAIL_TYPE, 'missing@2025-03-11T06:15:00.000Z#i-0a1b2c3d4e5f60718', {
        key: 'missing@2025-03-11T06:15:00.000Z#i-0a1b2c3d4e5f60718',
        change: 'missing',
        instances: [{ instanceId: 'i-0a1b2c3d4e5f60718', name: 'web-04', platform: 'Linux/UNIX', launchedAt: '2025-03-11T05:02:41Z', imds: 'enabled' }],
        total: 1,
      }),
  },
  {
    title: 'SSM 未登録: the first deployment finds 500 update targets that are not managed nodes (one mail)',
    renderer: 'renderUnmanagedInstanceMail',
    event: () =>
      productEvent(UNMANAGED_INSTANCE_DETAIL_TYPE, 'missing@2025-03-11T06:15:00.000Z', {
        key: 'missing@2025-03-11T06:15:00.000Z',
        change: 'missing',
        instances: Array.from({ length: 500 }, (_, index) => ({
          instanceId: `i-0f${String(index).padStart(15, '0')}`,
          name: `app-${String(index).padStart(3, '0')}`,
          platform: index % 5 === 0 ? 'Windows' : 'Linux/UNIX',
          launchedAt: '2025-02-01T00:00:00Z',
          profile: index % 7 === 0 ? undefined : 'arn:aws:iam::333333333333:instance-profile/app',
          imds: index % 50 === 0 ? 'disabled' : 'enabled',
        })),
        total: 500,
      }),
  },
  {
    title: 'SSM 登録済み: that instance registered after its missing mail',
    renderer: 'renderUnmanagedInstanceMail',
    event: () =>
      productEvent(UNMANAGED_INSTANCE_DETAIL_TYPE, 'registered@2025-03-11T07:15:00.000Z#i-0a1b2c3d4e5f60718', {
        key: 'registered@2025-03-11T07:15:00.000Z#i-0a1b2c3d4e5f60718',
        change: 'registered',
        instances: [{ instanceId: 'i-0a1b2c3d4e5f60718', name: 'web-04', platform: 'Linux/UNIX', launchedAt: '2025-03-11T05:02:41Z', profile: 'arn:aws:iam::333333333333:instance-profile/web', imds: 'enabled' }],
        total: 1,
      }),
  },
  { title: 'An event the notifier cannot handle (a successful run reached it)', renderer: 'renderRejectedEventMail', event: succeededUpdateInvocation },
  {
    title: 'SSM Agent update failed in a spoke (another account and Region), mailed by the hub',
    renderer: 'renderFailureMail',
    event: () => forwardedFromSpoke(failedUpdateInvocation()),
    fromSpoke: true,
  },
];

/** The lookups of a hub whose spoke answers through its read role (STS and the spoke's clients mocked). */
function hubLookups(aws: CannedAws) {
  const spoke = cannedAws();
  spoke.ssmMock.on(GetParameterCommand, { Name: WEB_SPOKE.displayNameParameter }).resolves({ Parameter: { Name: WEB_SPOKE.displayNameParameter, Value: WEB_SPOKE_DISPLAY_NAME } });
  spoke.taggingMock.on(GetResourcesCommand).callsFake((input: { ResourceARNList?: string[] }) => ({
    ResourceTagMappingList: (input.ResourceARNList ?? []).map((arn) => ({ ResourceARN: arn, Tags: [{ Key: 'Name', Value: 'web-use1-01' }] })),
  }));
  const sts = new STSClient({ region: FLEET.region });
  mockClient(sts)
    .on(AssumeRoleCommand)
    .resolves({ Credentials: { AccessKeyId: 'ASIAPREVIEW', SecretAccessKey: 'preview', SessionToken: 'preview', Expiration: new Date(Date.now() + 900_000) } });
  return spokeAccess({
    own: { ssm: aws.ssm, tagging: aws.tagging, accountDisplayName: async () => ACCOUNT_DISPLAY_NAME.value, notes: notesInMemory([]) },
    spokes: [WEB_SPOKE],
    sts,
    clientsFor: () => ({ ssm: spoke.ssm, tagging: spoke.tagging, accountDisplayName: async () => WEB_SPOKE_DISPLAY_NAME, notes: notesInMemory([]) }),
  });
}

/** Nodes of a storm, named and spread over platforms as a real fleet is. */
function stormNodes(count: number, state: string): DigestNode[] {
  return Array.from({ length: count }, (_, index) => ({
    instanceId: `i-0${state === 'Online' ? 'b' : 'c'}${String(index).padStart(15, '0')}`,
    state,
    name: `web-${String(index).padStart(4, '0')}`,
    platform: index % 4 === 0 ? 'Microsoft Windows Server 2022 Datacenter' : 'Amazon Linux 2023',
    lastPingAt: state === 'Online' ? '2025-03-11T07:02:01Z' : '2025-03-11T06:14:47Z',
  }));
}

function context(functionName: string): Context {
  return {
    functionName,
    invokedFunctionArn: `arn:aws:lambda:${FLEET.region}:${FLEET.account}:function:${functionName}`,
    awsRequestId: 'preview',
    getRemainingTimeInMillis: () => 60_000,
  } as Context;
}

function notifierFor(language: Language, aws: CannedAws, notes: TransitionNote[] = [], fromSpoke = false) {
  return createNotifier({
    ...(fromSpoke ? { lookupsFor: hubLookups(aws) } : {}),
    ssm: aws.ssm,
    tagging: aws.tagging,
    sns: aws.sns,
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: `${NOTIFIER}-idempotency`, awsSdkV3Client: aws.dynamodb }),
    accountDisplayName: async () => ACCOUNT_DISPLAY_NAME.value,
    notes: notesInMemory(notes),
    settings: {
      topicArn: PROD_ALERT_TOPIC,
      chatTopicArn: PROD_CHAT_TOPIC,
      watchedStatuses: ['Failed', 'TimedOut'],
      agentAlarmPrefix: FLEET_AGENT_ALARM_PREFIX,
      language,
      timeZone: 'Asia/Tokyo',
      environmentName: 'prod',
      unsubscribeContact: PREVIEW_CONTACT[language],
      ...(fromSpoke ? { spokes: [WEB_SPOKE] } : {}),
    },
  });
}

/** The one mail and the one chat notification of an alert, failing when the function sent anything else. */
function alertOf(title: string, renderer: string, published: PublishCommandInput[]): PreviewedAlert {
  const mails = published.filter((message) => message.TopicArn === PROD_ALERT_TOPIC);
  const chats = published.filter((message) => message.TopicArn === PROD_CHAT_TOPIC);
  if (mails.length !== 1 || chats.length !== 1) {
    throw new Error(`${title}: expected one mail and one chat notification, the function published ${mails.length} and ${chats.length}`);
  }
  return { title, renderer, subject: mails[0]!.Subject!, body: mails[0]!.Message!, chat: JSON.parse(chats[0]!.Message!) };
}

/** Every alert the product sends, in one language. */
export async function previewAlerts(language: Language): Promise<PreviewedAlert[]> {
  process.env.AWS_LAMBDA_FUNCTION_NAME = NOTIFIER;
  const alerts: PreviewedAlert[] = [];
  for (const mail of NOTIFIER_MAILS) {
    // Each mail gets its own AWS, so that a run mailed by an earlier entry is mailed again here.
    const aws = cannedAws();
    answerCloudWatchAgentUpdateRuns(aws.ssmMock);
    mail.aws?.(aws);
    const notifier = notifierFor(language, aws, mail.notes, mail.fromSpoke);
    const before = aws.mails().length;
    await notifier(mail.event(), context(NOTIFIER));
    alerts.push(alertOf(mail.title, mail.renderer, aws.mails().slice(before)));
  }
  alerts.push(await lostSubscriptions(language));
  alerts.push(await weeklyFleetReport(language));
  return alerts;
}

/**
 * The subscription check's mail: one address unsubscribed through the link, another still waiting for
 * its confirmation 30 hours after the check first saw it.
 */
async function lostSubscriptions(language: Language): Promise<PreviewedAlert> {
  process.env.AWS_LAMBDA_FUNCTION_NAME = SUBSCRIPTION_CHECK;
  const emails = [...PROD_ALERT_ADDRESSES, 'ops-night@example.com'];
  const aws = subscriptionAws(emails);
  const now = new Date('2025-03-12T00:00:04Z');
  aws.unsubscribe('ops-oncall@example.com');
  aws.unsubscribe('ops-night@example.com');
  aws.subscribe('ops-night@example.com');
  aws.table.set('ops-night@example.com', { address: 'ops-night@example.com', pendingSince: new Date(now.getTime() - 30 * 3600_000).toISOString() });
  const check = createSubscriptionCheck({
    sns: aws.sns,
    dynamodb: aws.dynamodb,
    cloudwatch: aws.cloudwatch,
    accountDisplayName: async () => ACCOUNT_DISPLAY_NAME.value,
    settings: {
      topicArn: PROD_ALERT_TOPIC,
      chatTopicArn: PROD_CHAT_TOPIC,
      emails,
      stateTable: `${SUBSCRIPTION_CHECK}-state`,
      namespace: 'SSMAgentOps/prod',
      maxPendingHours: 24,
      language,
      timeZone: 'Asia/Tokyo',
      environmentName: 'prod',
      unsubscribeContact: PREVIEW_CONTACT[language],
    },
    now: () => now,
  });
  await check({}, context(SUBSCRIPTION_CHECK));
  return alertOf('Addresses that no longer get alerts (subscription check)', 'renderLostSubscriptionsMail', aws.published());
}

/**
 * The weekly report of a simulated fleet of 300 nodes with something in every section: outdated
 * agents (failed, offline on update day, untargeted, updated before a newer release), untargeted and
 * unmanaged instances, a failed and silent CloudWatch Agents, lost, stopped, muted and missing nodes.
 */
async function weeklyFleetReport(language: Language): Promise<PreviewedAlert> {
  process.env.AWS_LAMBDA_FUNCTION_NAME = WEEKLY_REPORT;
  const clock = new VirtualClock(Date.parse('2025-03-10T00:00:00Z'));
  try {
    const now = new Date(clock.now);
    const fleet = reportFleet(300, now, undefined, { cloudWatchAgentRunDaysAgo: 3 });
    const registryTable = 'ssm-agent-ops-prod-node-registry';
    writeRegistry(fleet.aws, registryTable, registryRecords(fleet, now));
    const sns = new SNSClient({ region: 'ap-northeast-1', credentials: { accessKeyId: 'preview', secretAccessKey: 'preview' } });
    const published: PublishCommandInput[] = [];
    mockClient(sns)
      .on(PublishCommand)
      .callsFake((input: PublishCommandInput) => {
        published.push(input);
        return { MessageId: `preview-${published.length}` };
      });
    const report = createWeeklyReport({
      ssm: fleet.aws.ssm,
      cloudwatch: fleet.aws.cloudwatch,
      registry: fleet.aws.dynamodb,
      sns,
      accountDisplayName: async () => ACCOUNT_DISPLAY_NAME.value,
      settings: {
        topicArn: PROD_ALERT_TOPIC,
        chatTopicArn: PROD_CHAT_TOPIC,
        registryTable,
        ...reportFleetSettings(),
        missingScope: 'all-running',
        language,
        timeZone: 'Asia/Tokyo',
        environmentName: 'prod',
        unsubscribeContact: PREVIEW_CONTACT[language],
      },
    });
    await clock.run(() => report({}, context(WEEKLY_REPORT)));
    return alertOf('Weekly fleet report (300 nodes, something in every section)', 'renderWeeklyReportMail', published);
  } finally {
    clock.uninstall();
  }
}
