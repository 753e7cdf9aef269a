import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandsCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { accountDisplayNameReader } from '../../../lambdas/shared/display-name';
import { createNotifier, type NotifierSettings } from '../../../lambdas/notifier/notifier';
import { ConditionalCheckFailed, FakeIdempotencyTable } from '../../helpers/fake-idempotency-table';
import { sampleEvent } from '../../helpers/sample-events';

export const DISPLAY_NAME_PARAMETER = '/ssm-agent-ops/prod/account-display-name';
export const COMMAND_ID = '0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9';
export const ASSOCIATION_ID = '34fcb7e0-9a14-4984-9989-0e04e3f60bd8';
export const INSTANCE_ID = 'i-0123456789abcdef0';

export const settings: NotifierSettings = {
  topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:OPE',
  watchedStatuses: ['Failed', 'TimedOut'],
  agentAlarmPrefix: 'ssm-agent-ops-prod-agent-',
  language: 'ja',
  timeZone: 'Asia/Tokyo',
  environmentName: 'prod',
};

export const lambdaContext = {
  functionName: 'ssm-agent-ops-prod-notifier',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:ssm-agent-ops-prod-notifier',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

const ssm = mockClient(SSMClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);

/**
 * A notifier wired to mocked AWS clients that answer like AWS for one failed run of
 * AWS-ConfigureAWSPackage on i-0123456789abcdef0 (web-01), with an in-memory idempotency table.
 * Tests change the answers they care about.
 */
export function notifierHarness(overrides: Partial<NotifierSettings> = {}) {
  for (const mock of [ssm, ec2, sns, dynamodb]) mock.reset();
  process.env.AWS_LAMBDA_FUNCTION_NAME = lambdaContext.functionName;
  const table = new FakeIdempotencyTable();

  dynamodb.on(PutItemCommand).callsFake((input) => {
    try {
      table.putItem(input);
      return {};
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailed)) throw error;
      throw new ConditionalCheckFailedException({ message: error.message, $metadata: {}, Item: error.item as never });
    }
  });
  dynamodb.on(UpdateItemCommand).callsFake((input) => {
    table.updateItem(input);
    return {};
  });
  dynamodb.on(GetItemCommand).callsFake((input) => table.getItem(input));
  dynamodb.on(DeleteItemCommand).callsFake((input) => {
    table.deleteItem(input);
    return {};
  });

  ssm.on(GetParameterCommand, { Name: DISPLAY_NAME_PARAMETER }).resolves({ Parameter: { Name: DISPLAY_NAME_PARAMETER, Value: '本番アカウント' } });
  ssm.on(GetCommandInvocationCommand).resolves({
    CommandId: COMMAND_ID,
    InstanceId: INSTANCE_ID,
    PluginName: 'aws:configurePackage',
    Status: 'Failed',
    StandardErrorContent: 'failed to download installer: timeout',
  });
  ssm.on(ListCommandsCommand).resolves({ Commands: [{ CommandId: COMMAND_ID, Parameters: { action: ['Install'], name: ['AmazonCloudWatchAgent'] } }] });
  ssm.on(DescribeAssociationExecutionsCommand).resolves({
    AssociationExecutions: [{ AssociationId: ASSOCIATION_ID, ExecutionId: 'e0000000-0000-4000-8000-000000000001', CreatedTime: new Date('2025-01-07T05:00:01Z') }],
  });
  ssm.on(DescribeAssociationExecutionTargetsCommand).resolves({
    AssociationExecutionTargets: [
      { ResourceId: INSTANCE_ID, Status: 'Failed', OutputSource: { OutputSourceType: 'RunCommand', OutputSourceId: COMMAND_ID } },
    ],
  });
  // Node details come from the reconstructed DescribeInstanceInformation sample.
  const { InstanceInformationList: knownNodes } = sampleEvent('describe-instance-information.response.reconstructed');
  ssm.on(DescribeInstanceInformationCommand).callsFake(({ Filters }) => ({
    InstanceInformationList: knownNodes
      .filter((node: any) => Filters?.[0]?.Values?.includes(node.InstanceId))
      .map((node: any) => ({ ...node, LastPingDateTime: new Date(node.LastPingDateTime) })),
  }));
  ec2.on(DescribeTagsCommand).callsFake(({ Filters }) => {
    const names: Record<string, string> = { [INSTANCE_ID]: 'web-01', 'i-0fedcba9876543210': 'win-app-02' };
    const instanceId = Filters?.find((filter: any) => filter.Name === 'resource-id')?.Values?.[0];
    return { Tags: names[instanceId] ? [{ Key: 'Name', Value: names[instanceId], ResourceId: instanceId }] : [] };
  });
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });

  const ssmClient = new SSMClient({ region: 'ap-northeast-1' });
  const handler = createNotifier({
    ssm: ssmClient,
    ec2: new EC2Client({ region: 'ap-northeast-1' }),
    sns: new SNSClient({ region: 'ap-northeast-1', maxAttempts: 1 }),
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: 'ssm-agent-ops-prod-notifier-idempotency',
      awsSdkV3Client: new DynamoDBClient({ region: 'ap-northeast-1' }),
    }),
    accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: ssmClient }), DISPLAY_NAME_PARAMETER),
    settings: { ...settings, ...overrides },
  });

  return {
    handler: (event: unknown) => handler(event, lambdaContext),
    ssm,
    ec2,
    sns,
    table,
    /** Mails published so far, as SNS received them. */
    mails: () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input),
  };
}
