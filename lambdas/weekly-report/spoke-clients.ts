import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { Spoke } from '../../contract/spokes';
import { assumedRoleClientConfig, assumedRoles } from '../shared/assumed-roles';
import { accountDisplayNameReader } from '../shared/display-name';
import type { StackClients } from './report';

const SESSION_NAME = 'ssm-agent-ops-weekly-report';

/**
 * The report's clients of a spoke's account and Region, signing with the spoke read role's
 * credentials. The role is assumed before any client is made: a denied or failed AssumeRole rejects,
 * which fails the spoke's invocation (retried, then dead-lettered) and no other report.
 */
export function spokeReadClients(options: { sts: STSClient; now?: () => number; extra?: { requestHandler?: SSMClient['config']['requestHandler'] } }): (spoke: Spoke) => Promise<StackClients> {
  const credentialsFor = assumedRoles({ sts: options.sts, sessionName: SESSION_NAME, now: options.now });
  return async (spoke) => {
    await credentialsFor(spoke.readRoleArn);
    const config = assumedRoleClientConfig(spoke.region, () => credentialsFor(spoke.readRoleArn), options.extra ?? {});
    const ssm = new SSMClient(config);
    return {
      ssm,
      cloudwatch: new CloudWatchClient(config),
      registry: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
      accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: ssm }), spoke.displayNameParameter),
    };
  };
}
