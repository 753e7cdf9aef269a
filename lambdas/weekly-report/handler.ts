import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { hubEnvironment } from '../../contract/spokes';
import { weeklyReportEnvironment } from '../../contract/weekly-report-environment';
import { accountDisplayNameReader } from '../shared/display-name';
import { sdkClientConfig } from '../shared/sdk';
import { createWeeklyReport } from './report';
import { spokeReadClients } from './spoke-clients';

const { spokes } = hubEnvironment.decode(process.env);
const settings = { ...weeklyReportEnvironment.decode(process.env), ...alertDeliveryEnvironment.decode(process.env) };
const ssm = new SSMClient(sdkClientConfig);

/**
 * Once a week (by default): one mail per account and Region the stack covers, telling whether the
 * fleet's agents are really current, and what is not.
 */
export const handler = createWeeklyReport({
  ssm,
  cloudwatch: new CloudWatchClient(sdkClientConfig),
  registry: DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientConfig)),
  sns: new SNSClient(sdkClientConfig),
  accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: ssm }), settings.displayNameParameter),
  settings,
  spokes:
    spokes && spokes.length > 0
      ? { spokes, clientsOf: spokeReadClients({ sts: new STSClient(sdkClientConfig) }), lambda: new LambdaClient(sdkClientConfig) }
      : undefined,
});
