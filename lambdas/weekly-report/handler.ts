import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { weeklyReportEnvironment } from '../../contract/weekly-report-environment';
import { accountDisplayNameReader } from '../shared/display-name';
import { sdkClientConfig } from '../shared/sdk';
import { createWeeklyReport } from './report';

const settings = { ...weeklyReportEnvironment.decode(process.env), ...alertDeliveryEnvironment.decode(process.env) };
const ssm = new SSMClient(sdkClientConfig);

/** Once a week (by default): one mail telling whether the fleet's agents are really current, and what is not. */
export const handler = createWeeklyReport({
  ssm,
  cloudwatch: new CloudWatchClient(sdkClientConfig),
  registry: DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientConfig)),
  sns: new SNSClient(sdkClientConfig),
  accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: ssm }), settings.displayNameParameter),
  settings,
});
