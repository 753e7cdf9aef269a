import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { isAccessDenied } from './sdk';

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
