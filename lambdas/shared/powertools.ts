import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger per function. Powertools takes the `service` of every line from the
 * function's environment (see contract/function-environment.ts); each handler adds its invocation's
 * Lambda context (request ID, function name, cold start) with `logger.addContext`.
 */
export const logger = new Logger();
