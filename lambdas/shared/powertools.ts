import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per function. */
export const logger = new Logger({ serviceName: 'ssm-agent-ops' });
