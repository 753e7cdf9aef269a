import * as z from 'zod/mini';
import { readEnvironment } from '../shared/environment';
import { LANGUAGES } from '../shared/language';
import type { NotifierSettings } from './notifier';

const environmentSchema = z.object({
  ALERT_TOPIC_ARN: z.string().check(z.startsWith('arn:')),
  ACCOUNT_DISPLAY_NAME_PARAMETER: z.string().check(z.startsWith('/')),
  IDEMPOTENCY_TABLE: z.string().check(z.minLength(1)),
  WATCHED_STATUSES: z.string().check(z.minLength(1)),
  AGENT_ALARM_PREFIX: z.string().check(z.minLength(1)),
  MAIL_LANGUAGE: z.enum(LANGUAGES),
  MAIL_TIME_ZONE: z.string().check(z.minLength(1)),
  ENVIRONMENT_NAME: z.string().check(z.minLength(1)),
  RUNBOOK_BASE_URL: z.optional(z.url()),
});

/** The notifier's settings from its Lambda environment variables, which the stack sets. */
export interface NotifierEnvironment extends NotifierSettings {
  displayNameParameter: string;
  idempotencyTable: string;
}

/** Reads the notifier's environment; a missing or bad variable fails the cold start, naming it. */
export function readNotifierEnvironment(variables: NodeJS.ProcessEnv): NotifierEnvironment {
  const env = readEnvironment(environmentSchema, variables, 'notifier');
  return {
    topicArn: env.ALERT_TOPIC_ARN,
    displayNameParameter: env.ACCOUNT_DISPLAY_NAME_PARAMETER,
    idempotencyTable: env.IDEMPOTENCY_TABLE,
    watchedStatuses: env.WATCHED_STATUSES.split(','),
    agentAlarmPrefix: env.AGENT_ALARM_PREFIX,
    language: env.MAIL_LANGUAGE,
    timeZone: env.MAIL_TIME_ZONE,
    environmentName: env.ENVIRONMENT_NAME,
    runbookBaseUrl: env.RUNBOOK_BASE_URL,
  };
}
