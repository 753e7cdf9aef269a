/**
 * `npm run preview`: prints every mail the product sends, in Japanese and English, built by the real
 * notifier from the AWS sample events in ../shared/events, and the self-monitoring alarms as the
 * synthesized stack defines them. AWS is replaced by canned answers: no account or credentials needed.
 */
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Testing } from 'cdktf';
import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { environments } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { LANGUAGES, type Language } from '../contract/languages';
import { createNotifier } from '../lambdas/notifier/notifier';
import { logger } from '../lambdas/shared/powertools';
import { SsmAgentOpsStack } from '../stacks/ssm-agent-ops-stack';
import { agentAlarmEvent, sampleEvent } from '../__tests__/helpers/sample-events';

const ACCOUNT_DISPLAY_NAME = '本番アカウント';
const INSTANCE_NAMES: Record<string, string> = { 'i-0123456789abcdef0': 'web-01', 'i-0fedcba9876543210': 'win-app-02' };
const ASSOCIATION_COMMAND = 'command-of-the-association-run';

/** The notifier's mails, in the order an operator meets them. */
const MAILS: { title: string; event: () => unknown }[] = [
  { title: 'SSM Agent update failed (Run Command)', event: () => sampleEvent('ec2-command-invocation-status-change.failed.reconstructed') },
  {
    title: 'CloudWatch Agent update failed (State Manager association)',
    event: () => sampleEvent('ec2-state-manager-instance-association-state-change.failed.reconstructed'),
  },
  { title: 'SSM Agent connection lost (agent alarm ALARM)', event: () => agentAlarmEvent('ALARM') },
  { title: 'SSM Agent connection restored (agent alarm OK)', event: () => agentAlarmEvent('OK') },
  { title: 'An event the notifier cannot handle (a successful run reached it)', event: () => sampleEvent('ec2-command-invocation-status-change') },
];

/** Canned answers standing in for AWS: the failed step's output, the association run, node details, Name tags. */
function cannedAws() {
  const ssm = mockClient(SSMClient);
  ssm.on(GetCommandInvocationCommand).callsFake(({ CommandId }) => ({
    CommandId,
    PluginName: CommandId === ASSOCIATION_COMMAND ? 'aws:configurePackage' : 'aws:updateSsmAgent',
    Status: 'Failed',
    StandardErrorContent:
      CommandId === ASSOCIATION_COMMAND
        ? 'Failed to install package; install action exited with error: exit status 1\nmsiexec returned 1603'
        : 'Unable to download the installer from https://s3.ap-northeast-1.amazonaws.com/amazon-ssm-ap-northeast-1/latest/\nConnection timed out after 30s',
  }));
  ssm.on(ListCommandsCommand).resolves({ Commands: [{ Parameters: { name: ['AmazonCloudWatchAgent'] } }] });
  ssm.on(DescribeAssociationExecutionsCommand).resolves({
    AssociationExecutions: [{ ExecutionId: 'execution-1', CreatedTime: new Date('2025-01-07T05:00:01Z') }],
  });
  ssm.on(DescribeAssociationExecutionTargetsCommand).resolves({
    AssociationExecutionTargets: [{ OutputSource: { OutputSourceType: 'RunCommand', OutputSourceId: ASSOCIATION_COMMAND } }],
  });
  const { InstanceInformationList: nodes } = sampleEvent('describe-instance-information.response.reconstructed');
  ssm.on(DescribeInstanceInformationCommand).callsFake(({ Filters }) => ({
    InstanceInformationList: nodes
      .filter((node: { InstanceId: string }) => Filters?.[0]?.Values?.includes(node.InstanceId))
      .map((node: { LastPingDateTime: string }) => ({ ...node, LastPingDateTime: new Date(node.LastPingDateTime) })),
  }));
  mockClient(EC2Client)
    .on(DescribeTagsCommand)
    .callsFake(({ Filters }) => {
      const instanceId = Filters?.find((filter: { Name?: string }) => filter.Name === 'resource-id')?.Values?.[0] ?? '';
      return { Tags: INSTANCE_NAMES[instanceId] ? [{ Key: 'Name', Value: INSTANCE_NAMES[instanceId] }] : [] };
    });
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).resolves({ MessageId: 'preview' });
  return sns;
}

function notifierFor(language: Language) {
  return createNotifier({
    ssm: new SSMClient({ region: 'ap-northeast-1' }),
    ec2: new EC2Client({ region: 'ap-northeast-1' }),
    sns: new SNSClient({ region: 'ap-northeast-1' }),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'preview' }),
    accountDisplayName: async () => ACCOUNT_DISPLAY_NAME,
    settings: {
      topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:OPE',
      watchedStatuses: ['Failed', 'TimedOut'],
      agentAlarmPrefix: 'ssm-agent-ops-prod-agent-',
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
  // The previews show every mail; remembering sent ones would hide repeats, so idempotency is off.
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  logger.setLogLevel('SILENT');
  const sns = cannedAws();
  const context = { invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:preview', getRemainingTimeInMillis: () => 60_000 } as Context;

  for (const language of LANGUAGES) {
    const handler = notifierFor(language);
    for (const mail of MAILS) {
      sns.resetHistory();
      await handler(mail.event(), context);
      const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
      heading(`[${language}] ${mail.title}`);
      console.log(`Subject: ${published.Subject}\n\n${published.Message}\n`);
    }
    heading(`[${language}] Self-monitoring alarms (mailed by CloudWatch itself, in its own format, with these descriptions)`);
    for (const alarm of selfMonitoringAlarms(language)) console.log(`${alarm.name}\n  ${alarm.description}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
