import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { subscriptionCheckEnvironment } from '../../contract/subscription-check-environment';
import { accountDisplayNameReader } from '../shared/display-name';
import { sdkClientConfig } from '../shared/sdk';
import { createSubscriptionCheck } from './check';

const settings = { ...subscriptionCheckEnvironment.decode(process.env), ...alertDeliveryEnvironment.decode(process.env) };

/** Checks once a day (by default) that every configured address still gets the alerts, and says so once when one does not. */
export const handler = createSubscriptionCheck({
  sns: new SNSClient(sdkClientConfig),
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientConfig)),
  cloudwatch: new CloudWatchClient(sdkClientConfig),
  accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: new SSMClient(sdkClientConfig) }), settings.displayNameParameter),
  settings,
});
