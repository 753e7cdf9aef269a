import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { chain, memoize } from '@smithy/core/config';

type CredentialProvider = ReturnType<typeof fromEnv>;
type Credentials = Awaited<ReturnType<CredentialProvider>>;

/** Refresh credentials this long before they expire, as the SDK's default chain does. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

/**
 * The AWS SDK's credential chain as a Lambda function needs it. The bundles use this module in place
 * of `@aws-sdk/credential-provider-node` (see `scripts/build.ts`), whose default chain also carries
 * SSO, shared config files, credential processes, web identity tokens and the EC2 instance metadata
 * service: about 100 KiB of every bundle that Lambda never runs. Lambda hands a function its
 * execution role's credentials in environment variables; a runtime that serves them from a local
 * endpoint instead sets `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which the second link reads.
 */
export function defaultProvider(init: Parameters<typeof fromHttp>[0] = {}): CredentialProvider {
  const credentials = chain<Credentials>(
    fromEnv(init),
    // fromHttp throws as soon as it is created without an endpoint, so it is created on use.
    async () => fromHttp(init)(),
  );
  return memoize(credentials, expiresSoon, (identity) => identity.expiration !== undefined);
}

function expiresSoon(identity: Credentials): boolean {
  return identity.expiration !== undefined && identity.expiration.getTime() - Date.now() < REFRESH_BEFORE_EXPIRY_MS;
}
