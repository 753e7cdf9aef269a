import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { errorName, isAccessDenied } from './sdk';

/**
 * What a failed AWS call means for the run that made it, once the SDK's own retries are spent:
 * - `retry-later`: throttling, a server error, a timeout, or the run's deadline; the same call is
 *   expected to succeed later, so a later run makes it again and nobody is paged for it;
 * - `refused`: AWS will refuse it again (denied, invalid): a later run retries it too, but it is
 *   counted where a self-monitoring alarm sees it, because only a person can fix it.
 *
 * The classification is the SDK's own (the lists its retry strategy uses), so what the SDK retries
 * and what a run leaves for later never disagree.
 */
export type CallFailure = 'retry-later' | 'refused';

export function classifyFailure(error: unknown): CallFailure {
  if (!(error instanceof Error)) return 'refused';
  if (error.name === 'AbortError') return 'retry-later';
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError) || sdkError.$fault === 'server') return 'retry-later';
  return 'refused';
}

/** A short description of an error for a log line: its name, and whether IAM refused it. */
export function describeFailure(error: unknown): { error: string; denied: boolean; message?: string } {
  return { error: errorName(error), denied: isAccessDenied(error), message: error instanceof Error ? error.message.slice(0, 300) : undefined };
}
