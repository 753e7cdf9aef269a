import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per function; POWERTOOLS_SERVICE_NAME names the function in each line. */
export const logger = new Logger({ serviceName: 'ssm-agent-ops' });
