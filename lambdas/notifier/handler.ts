import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { notifierEnvironment } from '../../contract/notifier-environment';
import { hubEnvironment } from '../../contract/spokes';
import { accountDisplayNameReader } from '../shared/display-name';
import { sdkClientConfig } from '../shared/sdk';
import { noteReader } from './note-reader';
import { createNotifier } from './notifier';
import { sdkSpokeClients, spokeAccess } from './spoke-access';

const { spokes } = hubEnvironment.decode(process.env);
const settings = { ...notifierEnvironment.decode(process.env), ...alertDeliveryEnvironment.decode(process.env), spokes };
const ssm = new SSMClient(sdkClientConfig);
const tagging = new ResourceGroupsTaggingAPIClient(sdkClientConfig);
const accountDisplayName = accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: ssm }), settings.displayNameParameter);
const dynamodb = new DynamoDBClient(sdkClientConfig);
const notes = noteReader(dynamodb, settings.notesTable);

/** Turns failure events, agent alarms (as the agent watch decided) and the agent health digests into mails on the alert topic. */
export const handler = createNotifier({
  ssm,
  tagging,
  sns: new SNSClient(sdkClientConfig),
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: settings.idempotencyTable,
    awsSdkV3Client: dynamodb,
  }),
  accountDisplayName,
  notes,
  settings,
  lookupsFor:
    spokes && spokes.length > 0
      ? spokeAccess({ own: { ssm, tagging, accountDisplayName, notes }, spokes, sts: new STSClient(sdkClientConfig), clientsFor: sdkSpokeClients() })
      : undefined,
});
