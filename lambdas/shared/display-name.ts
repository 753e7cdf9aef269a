import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { logger } from './powertools';
import { errorName } from './sdk';

/** How long a read display name is reused before the parameter is read again. */
const DISPLAY_NAME_MAX_AGE_SECONDS = 300;

/**
 * Reads the account display name from its SSM parameter, cached across invocations. The parameter may
 * be a SecureString, so it is read with decryption (a String parameter ignores it). When it cannot be
 * read (missing, denied, throttled) mails still go out, showing the account ID instead.
 */
export function accountDisplayNameReader(provider: SSMProvider, parameterName: string): () => Promise<string | undefined> {
  return async () => {
    try {
      const value = await provider.get(parameterName, { maxAge: DISPLAY_NAME_MAX_AGE_SECONDS, decrypt: true });
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    } catch (error) {
      logger.warn('Could not read the account display name; mails show the account ID', {
        parameterName,
        error: errorName(error),
        cause: errorName((error as { cause?: unknown }).cause),
      });
      return undefined;
    }
  };
}
