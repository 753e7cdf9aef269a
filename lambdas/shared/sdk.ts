/**
 * Settings shared by every AWS SDK client of the product. Adaptive retries back off on throttling
 * across calls of one client instead of only per call.
 */
export const sdkClientConfig = { maxAttempts: 5, retryMode: 'adaptive' } as const;

/** The SDK error name, whatever the shape of the error. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationError']);

/** True when IAM refused the call: retrying will not help, the role lacks the permission. */
export function isAccessDenied(error: unknown): boolean {
  return DENIED.has(errorName(error));
}
