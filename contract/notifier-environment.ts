import * as z from 'zod/mini';
import { functionEnvironment, list, oneOf, optional, text, type SettingsOf } from './function-environment';
import { LANGUAGES } from './languages';

const fields = {
  topicArn: text('ALERT_TOPIC_ARN', z.string().check(z.startsWith('arn:', 'an ARN'))),
  displayNameParameter: text('ACCOUNT_DISPLAY_NAME_PARAMETER', z.string().check(z.startsWith('/', 'an SSM parameter name starting with /'))),
  idempotencyTable: text('IDEMPOTENCY_TABLE'),
  watchedStatuses: list('WATCHED_STATUSES'),
  agentAlarmPrefix: text('AGENT_ALARM_PREFIX'),
  language: oneOf('MAIL_LANGUAGE', LANGUAGES),
  timeZone: text('MAIL_TIME_ZONE'),
  environmentName: text('ENVIRONMENT_NAME'),
  runbookBaseUrl: optional(text('RUNBOOK_BASE_URL', z.url('a URL'))),
};

/** The notifier's settings, as the stack gives them and the handler reads them. */
export type NotifierEnvironmentSettings = SettingsOf<typeof fields>;

/** The notifier's environment variables. */
export const notifierEnvironment = functionEnvironment('notifier', fields);
