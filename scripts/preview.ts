/**
 * `npm run preview`: prints every mail the product sends, in Japanese and English, built by the real
 * notifier from the AWS sample events in ../shared/events. AWS is replaced by canned answers, so no
 * account or credentials are needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { LANGUAGES, type Language } from '../lambdas/shared/language';
import { createNotifier } from '../lambdas/notifier/notifier';
import { logger } from '../lambdas/shared/powertools';

const EVENTS_DIR = resolve(__dirname, '..', '..', 'shared', 'events');
const ACCOUNT_DISPLAY_NAME = '本番アカウント';

/** The previews, in the order an operator meets them. */
const PREVIEWS: { title: string; event: () => unknown }[] = [
  { title: 'SSM Agent update failed (Run Command)', event: () => sampleEvent('ec2-command-invocation-status-change.failed.reconstructed') },
  {
    title: 'CloudWatch Agent update failed (State Manager association)',
    event: () => sampleEvent('ec2-state-manager-instance-association-state-change.failed.reconstructed'),
  },
  { title: 'An event the notifier cannot handle (a successful run reached it)', event: () => sampleEvent('ec2-command-invocation-status-change') },
];

function sampleEvent(name: string): unknown {
  const path = join(EVENTS_DIR, `${name}.json`);
  if (!existsSync(path)) throw new Error(`Sample event ${path} not found: the previews read ../shared/events next to the repository.`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Canned answers standing in for AWS: the failed step's output, the Name tag, the association run. */
function cannedAws() {
  const ssm = mockClient(SSMClient);
  ssm.on(GetCommandInvocationCommand).callsFake(({ CommandId }) => ({
    CommandId,
    PluginName: CommandId === 'command-of-the-association-run' ? 'aws:configurePackage' : 'aws:updateSsmAgent',
    Status: 'Failed',
    StandardErrorContent:
      CommandId === 'command-of-the-association-run'
        ? 'Failed to install package; install action exited with error: exit status 1\nmsiexec returned 1603'
        : 'Unable to download the installer from https://s3.ap-northeast-1.amazonaws.com/amazon-ssm-ap-northeast-1/latest/\nConnection timed out after 30s',
  }));
  ssm.on(ListCommandsCommand).resolves({ Commands: [{ Parameters: { name: ['AmazonCloudWatchAgent'] } }] });
  ssm.on(DescribeAssociationExecutionsCommand).resolves({
    AssociationExecutions: [{ ExecutionId: 'execution-1', CreatedTime: new Date('2025-01-07T05:00:01Z') }],
  });
  ssm.on(DescribeAssociationExecutionTargetsCommand).resolves({
    AssociationExecutionTargets: [{ OutputSource: { OutputSourceType: 'RunCommand', OutputSourceId: 'command-of-the-association-run' } }],
  });
  mockClient(EC2Client).on(DescribeTagsCommand).resolves({ Tags: [{ Key: 'Name', Value: 'web-01' }] });
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).resolves({ MessageId: 'preview' });
  return sns;
}

async function main() {
  // The previews show every mail; remembering sent runs would hide repeats, so idempotency is off.
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  logger.setLogLevel('SILENT');
  const sns = cannedAws();
  const context = { invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:preview', getRemainingTimeInMillis: () => 60_000 } as Context;

  for (const language of LANGUAGES) {
    const handler = notifierFor(language);
    for (const preview of PREVIEWS) {
      sns.resetHistory();
      await handler(preview.event(), context);
      const mail = sns.commandCalls(PublishCommand)[0]!.args[0].input;
      console.log(`${'='.repeat(100)}\n[${language}] ${preview.title}\n${'='.repeat(100)}`);
      console.log(`Subject: ${mail.Subject}\n\n${mail.Message}\n`);
    }
  }
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
