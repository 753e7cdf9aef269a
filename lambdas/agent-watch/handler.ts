import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { agentWatchEnvironment } from '../../contract/agent-watch-environment';
import { notifierRegion } from '../shared/notifier-invocation';
import { sdkClientConfig } from '../shared/sdk';
import { createWatch } from './watch';

const settings = agentWatchEnvironment.decode(process.env);

/** Runs every minute: gives each node whose agent connection changed the value its alarm needs, and decides its mail first. */
export const handler = createWatch({
  ssm: new SSMClient(sdkClientConfig),
  cloudwatch: new CloudWatchClient(sdkClientConfig),
  ec2: new EC2Client(sdkClientConfig),
  lambda: new LambdaClient({ ...sdkClientConfig, ...notifierRegion(settings.notifierFunction) }),
  registry: DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientConfig)),
  settings,
});
