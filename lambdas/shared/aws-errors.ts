import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { errorName, isAccessDenied } from './sdk';

/**
 * What a failed AWS call means for whoever needs its answer, by the AWS SDK's own classification of
 * errors (the same one its retry strategy uses):
 * - `transient`: throttling, a 5xx answer, a timeout or a network failure. The SDK has already retried
 *   it; asking again later may well succeed, so the answer is still unknown.
 * - `denied`: IAM refused the call. Asking again will not change that.
 * - `other`: any other error the service returned (most of them say something definite about the
 *   request, such as a resource that does not exist), or an error that never reached the service.
 */
export type AwsFailure = 'transient' | 'denied' | 'other';

/** Classifies a failed AWS call (see `AwsFailure`). */
export function classifyAwsFailure(error: unknown): AwsFailure {
  if (error === null || typeof error !== 'object') return 'other';
  const sdkError = error as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError) || (error as { $fault?: string }).$fault === 'server') {
    return 'transient';
  }
  return isAccessDenied(error) ? 'denied' : 'other';
}

/**
 * What a failed write means for the run that made it, once the SDK's own retries are spent:
 * - `retry-later`: a transient failure (see `AwsFailure`), or the call was cancelled at the run's
 *   deadline; a later run makes the same write again and nobody is paged for it;
 * - `refused`: AWS will refuse it again (denied, invalid): a later run tries again too, but it is
 *   counted where a self-monitoring alarm sees it, because only a person can fix it.
 */
export type WriteFailure = 'retry-later' | 'refused';

export function classifyFailure(error: unknown): WriteFailure {
  if (error instanceof Error && error.name === 'AbortError') return 'retry-later';
  return classifyAwsFailure(error) === 'transient' ? 'retry-later' : 'refused';
}

/** A short description of a failed call for a log line: the error's name, whether IAM refused it, and its message. */
export function describeFailure(error: unknown): { error: string; denied: boolean; message?: string } {
  return { error: errorName(error), denied: isAccessDenied(error), message: error instanceof Error ? error.message.slice(0, 300) : undefined };
}
