import type { STSClient } from '@aws-sdk/client-sts';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { spokeOf, type Spoke } from '../../contract/spokes';
import { assumedRoleClientConfig, assumedRoles, type RoleCredentials } from '../shared/assumed-roles';
import { classifyAwsFailure } from '../shared/aws-errors';
import { accountDisplayNameReader } from '../shared/display-name';
import { logger } from '../shared/powertools';
import { noteReader, type NoteReader } from './note-reader';
import { errorName } from '../shared/sdk';

/**
 * Where the notifier's lookups for one event run. An event of the hub's own account and Region is
 * looked up with the function's own clients; an event a spoke forwarded, in the spoke's account and
 * Region through the spoke's read role.
 */

/** The clients and the display name reader of one account and Region. */
export interface LookupClients {
  ssm: SSMClient;
  tagging: ResourceGroupsTaggingAPIClient;
  /** The account's display name, or undefined when it cannot be read (mails then show the ID). */
  accountDisplayName: () => Promise<string | undefined>;
  /** The agent watch's mail decisions in that account and Region. */
  notes: NoteReader;
}

/**
 * The lookups of one event: ready, or refused for good because IAM denied assuming the spoke's read
 * role (the role is missing, or trusts another principal): asking again will not change that, so the
 * mail goes out saying what it could not read, as it does when a lookup itself is denied.
 */
export type LookupAccess = { kind: 'ready'; clients: LookupClients; spoke?: Spoke } | { kind: 'denied'; spoke: Spoke };

export type { RoleCredentials } from '../shared/assumed-roles';
export { RENEW_BEFORE_EXPIRY_MS } from '../shared/assumed-roles';

/** Makes the clients of a spoke's Region, signing with the credentials the provider gives. */
export type SpokeClientFactory = (region: string, credentials: () => Promise<RoleCredentials>, spoke: Pick<Spoke, 'displayNameParameter' | 'notesTable'>) => LookupClients;

/**
 * The SDK clients of a spoke's Region, signing with the role's credentials (`extra` lets tests give
 * them a request handler of their own).
 */
export function sdkSpokeClients(extra: { requestHandler?: SSMClient['config']['requestHandler'] } = {}): SpokeClientFactory {
  return (region, credentials, spoke) => {
    const config = assumedRoleClientConfig(region, credentials, extra);
    const ssm = new SSMClient(config);
    return {
      ssm,
      tagging: new ResourceGroupsTaggingAPIClient(config),
      accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: ssm }), spoke.displayNameParameter),
      notes: noteReader(new DynamoDBClient(config), spoke.notesTable),
    };
  };
}

/** AssumeRole failed for a reason that may pass (throttling, a 5xx answer, a network failure): the invocation fails and Lambda retries it. */
export class SpokeRoleUnavailable extends Error {
  constructor(roleArn: string, cause: unknown) {
    super(`AssumeRole of ${roleArn} failed (${errorName(cause)}); the spoke's lookups cannot run until it answers`, { cause });
    this.name = 'SpokeRoleUnavailable';
  }
}

const SESSION_NAME = 'ssm-agent-ops-notifier';

export interface SpokeAccessOptions {
  own: LookupClients;
  spokes: readonly Spoke[];
  sts: STSClient;
  clientsFor: SpokeClientFactory;
  now?: () => number;
}

/**
 * The lookups for an event's account and Region. Credentials are cached per role until shortly before
 * they expire, and the clients per spoke, so that a warm function assumes each role once per session.
 */
export function spokeAccess(options: SpokeAccessOptions): (account: string | undefined, region: string | undefined) => Promise<LookupAccess> {
  const credentialsFor = assumedRoles({ sts: options.sts, sessionName: SESSION_NAME, now: options.now });
  const clientsBySpoke = new Map<Spoke, LookupClients>();

  return async (account, region) => {
    const spoke = spokeOf(options.spokes, account, region);
    if (!spoke) return { kind: 'ready', clients: options.own };
    try {
      await credentialsFor(spoke.readRoleArn);
    } catch (error) {
      if (classifyAwsFailure(error) === 'denied') {
        logger.error('The spoke’s read role refused the notifier; mailing without what it reads', { spoke: spoke.environment, roleArn: spoke.readRoleArn, error: errorName(error) });
        return { kind: 'denied', spoke };
      }
      throw new SpokeRoleUnavailable(spoke.readRoleArn, error);
    }
    let clients = clientsBySpoke.get(spoke);
    if (!clients) {
      clients = options.clientsFor(spoke.region, () => credentialsFor(spoke.readRoleArn), spoke);
      clientsBySpoke.set(spoke, clients);
    }
    return { kind: 'ready', clients, spoke };
  };
}
