import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { sdkClientConfig } from './sdk';

/**
 * Reading another account or Region through a role it lends the hub: the one way every hub function
 * assumes a spoke's read role, caches the session and signs its clients with it.
 */

/** Temporary credentials, as the SDK's clients take them. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Renew a role's credentials this long before they expire, so that no call signs with expiring ones. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
/** How long a session lasts: the shortest STS allows, enough for many invocations of a warm function. */
const SESSION_SECONDS = 900;

export interface AssumedRolesOptions {
  sts: STSClient;
  /** Names the function in the spoke's CloudTrail (`RoleSessionName`). */
  sessionName: string;
  now?: () => number;
}

/**
 * The credentials of any role the function may assume, cached per role until shortly before they
 * expire, so that a warm function assumes each role once per session. A failed AssumeRole is not
 * cached: the caller decides whether it ends the invocation, and the next call asks STS again.
 */
export function assumedRoles(options: AssumedRolesOptions): (roleArn: string) => Promise<RoleCredentials> {
  const now = options.now ?? Date.now;
  const credentialsByRole = new Map<string, Promise<RoleCredentials>>();

  async function assume(roleArn: string): Promise<RoleCredentials> {
    const answer = await options.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: options.sessionName, DurationSeconds: SESSION_SECONDS }));
    const credentials = answer.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
      throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  }

  return (roleArn) => {
    const cached = credentialsByRole.get(roleArn);
    const fresh = cached?.then((credentials) => (credentials.expiration.getTime() - now() > RENEW_BEFORE_EXPIRY_MS ? credentials : undefined));
    return (fresh ?? Promise.resolve(undefined)).then((credentials) => {
      if (credentials) return credentials;
      const pending = assume(roleArn);
      credentialsByRole.set(roleArn, pending);
      pending.catch(() => credentialsByRole.get(roleArn) === pending && credentialsByRole.delete(roleArn));
      return pending;
    });
  };
}

/**
 * The SDK client settings for another account's Region, signing with the credentials the provider
 * gives (the SDK asks it again when the ones it holds are about to expire).
 */
export function assumedRoleClientConfig<Extra extends object>(region: string, credentials: () => Promise<RoleCredentials>, extra: Extra = {} as Extra) {
  return { ...sdkClientConfig, ...extra, region, credentials };
}
