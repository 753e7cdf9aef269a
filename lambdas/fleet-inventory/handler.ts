import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fleetInventoryEnvironment } from '../../contract/fleet-inventory-environment';
import { notifierRegion } from '../shared/notifier-invocation';
import { sdkClientConfig } from '../shared/sdk';
import { createInventory } from './inventory';

const settings = fleetInventoryEnvironment.decode(process.env);

/** Runs on its schedule (and continues itself while alarm writes are left): keeps one alarm per node in scope. */
export const handler = createInventory({
  ssm: new SSMClient(sdkClientConfig),
  ec2: new EC2Client(sdkClientConfig),
  cloudwatch: new CloudWatchClient(sdkClientConfig),
  registry: DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientConfig)),
  lambda: new LambdaClient(sdkClientConfig),
  notifierLambda: new LambdaClient({ ...sdkClientConfig, ...notifierRegion(settings.notifierFunction) }),
  settings,
});
