import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { notifierEnvironment } from '../../contract/notifier-environment';
import { accountDisplayNameReader } from '../shared/display-name';
import { sdkClientConfig } from '../shared/sdk';
import { noteReader } from './note-reader';
import { createNotifier } from './notifier';

const settings = { ...notifierEnvironment.decode(process.env), ...alertDeliveryEnvironment.decode(process.env) };
const ssm = new SSMClient(sdkClientConfig);
const dynamodb = new DynamoDBClient(sdkClientConfig);

/** Turns failure events, agent alarms (as the agent watch decided) and the agent health digests into mails on the alert topic. */
export const handler = createNotifier({
  ssm,
  tagging: new ResourceGroupsTaggingAPIClient(sdkClientConfig),
  sns: new SNSClient(sdkClientConfig),
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: settings.idempotencyTable,
    awsSdkV3Client: dynamodb,
  }),
  notes: noteReader(dynamodb, settings.notesTable),
  accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: ssm }), settings.displayNameParameter),
  settings,
});
