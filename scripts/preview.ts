/**
 * `npm run preview`: prints every mail the product sends, in Japanese and English, built by the real
 * notifier from the repository's fixture events (fixtures/), and the self-monitoring alarms as the
 * synthesized stack defines them. AWS is replaced by the fixtures' canned answers and an in-memory
 * idempotency table: no account or credentials needed.
 */
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { Testing } from 'cdktf';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { environments } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { LANGUAGES, type Language } from '../contract/languages';
import { createNotifier } from '../lambdas/notifier/notifier';
import { logger } from '../lambdas/shared/powertools';
import { SsmAgentOpsStack } from '../stacks/ssm-agent-ops-stack';
import { ACCOUNT_DISPLAY_NAME, cannedAws, type CannedAws } from '../fixtures/canned-aws';
import { answerCloudWatchAgentUpdateRuns, cloudWatchAgentUpdateInvocation } from '../fixtures/cloudwatch-agent-update';
import { DescribeAssociationExecutionsCommand, ListCommandInvocationsCommand, SSMServiceException } from '@aws-sdk/client-ssm';
import {
  FLEET_AGENT_ALARM_PREFIX,
  FLEET,
  agentAlarmEvent,
  associationStatusChange,
  failedPackageAssociation,
  failedUpdateInvocation,
  noTargetsAssociationRun,
  succeededUpdateInvocation,
} from '../fixtures/events';

const FUNCTION_NAME = 'ssm-agent-ops-prod-notifier';

/** The notifier's mails, in the order an operator meets them; `aws` lets an entry change what AWS answers. */
const MAILS: { title: string; event: () => unknown; aws?: (aws: CannedAws) => void }[] = [
  { title: 'SSM Agent update failed (Run Command)', event: failedUpdateInvocation },
  { title: 'The association run of that update failed as a whole (one node failed, one succeeded)', event: associationStatusChange },
  { title: 'CloudWatch Agent update failed (State Manager association, late in the UTC day)', event: failedPackageAssociation },
  {
    title: "CloudWatch Agent configuration failed (the environment's own update document; the instance role cannot read the parameter)",
    event: cloudWatchAgentUpdateInvocation,
  },
  {
    title: 'A State Manager failure that cannot be linked to its Run Command command (the notifier may not read the run)',
    event: () => ({ ...failedPackageAssociation(), id: 'c7e2a9d4-1f3b-4c5d-8e6f-7a8b9c0d1e2f' }),
    aws: (aws) => {
      const denied = new SSMServiceException({ name: 'AccessDeniedException', message: 'not authorized', $fault: 'client', $metadata: {} });
      aws.ssmMock.on(DescribeAssociationExecutionsCommand).rejects(denied);
      aws.ssmMock.on(ListCommandInvocationsCommand).rejects(denied);
    },
  },
  { title: 'The SSM Agent update association ran on no node (its targets match nothing)', event: noTargetsAssociationRun },
  { title: 'SSM Agent connection lost (agent alarm ALARM)', event: () => agentAlarmEvent('ALARM') },
  { title: 'SSM Agent connection restored (agent alarm OK)', event: () => agentAlarmEvent('OK') },
  { title: 'An event the notifier cannot handle (a successful run reached it)', event: succeededUpdateInvocation },
];

function notifierFor(language: Language, aws: CannedAws) {
  return createNotifier({
    ssm: aws.ssm,
    tagging: aws.tagging,
    sns: aws.sns,
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: `${FUNCTION_NAME}-idempotency`, awsSdkV3Client: aws.dynamodb }),
    accountDisplayName: async () => ACCOUNT_DISPLAY_NAME.value,
    settings: {
      topicArn: `arn:aws:sns:${FLEET.region}:${FLEET.account}:OPE`,
      watchedStatuses: ['Failed', 'TimedOut'],
      agentAlarmPrefix: FLEET_AGENT_ALARM_PREFIX,
      language,
      timeZone: 'Asia/Tokyo',
      environmentName: 'prod',
    },
  });
}

/** The self-monitoring alarms of the prod example in one language, as the stack synthesizes them. */
function selfMonitoringAlarms(language: Language): { name: string; description: string }[] {
  const [prod] = loadEnvironments(environments.filter((environment) => environment.name === 'prod'));
  const settings = { ...prod!, alerts: { ...prod!.alerts, language } };
  const stack = new SsmAgentOpsStack(Testing.app(), { settings, bundlesDir: join(__dirname, '..', 'dist') });
  const alarms = JSON.parse(Testing.synth(stack)).resource.aws_cloudwatch_metric_alarm as Record<string, { alarm_name: string; alarm_description: string }>;
  return Object.values(alarms).map((alarm) => ({ name: alarm.alarm_name, description: alarm.alarm_description }));
}

function heading(text: string) {
  console.log(`${'='.repeat(100)}\n${text}\n${'='.repeat(100)}`);
}

async function main() {
  process.env.AWS_LAMBDA_FUNCTION_NAME = FUNCTION_NAME;
  logger.setLogLevel('SILENT');
  const context = {
    functionName: FUNCTION_NAME,
    invokedFunctionArn: `arn:aws:lambda:${FLEET.region}:${FLEET.account}:function:${FUNCTION_NAME}`,
    awsRequestId: 'preview',
    getRemainingTimeInMillis: () => 60_000,
  } as Context;

  for (const language of LANGUAGES) {
    for (const mail of MAILS) {
      // Each mail gets its own AWS, so that a run mailed by an earlier entry is mailed again here.
      const aws = cannedAws();
      answerCloudWatchAgentUpdateRuns(aws.ssmMock);
      mail.aws?.(aws);
      const handler = notifierFor(language, aws);
      const before = aws.mails().length;
      await handler(mail.event(), context);
      const published = aws.mails().slice(before);
      if (published.length !== 1) throw new Error(`${mail.title}: expected one mail, the notifier sent ${published.length}`);
      heading(`[${language}] ${mail.title}`);
      console.log(`Subject: ${published[0]!.Subject}\n\n${published[0]!.Message}\n`);
    }
    heading(`[${language}] Self-monitoring alarms (mailed by CloudWatch itself, in its own format, with these descriptions)`);
    for (const alarm of selfMonitoringAlarms(language)) console.log(`${alarm.name}\n  ${alarm.description}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
