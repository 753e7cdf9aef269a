import * as z from 'zod/mini';
import { functionEnvironment, list, oneOf, optional, text, type SettingsOf } from './function-environment';
import { LANGUAGES } from './languages';

const hours = z.pipe(
  z.string().check(z.regex(/^[1-9]\d*$/, 'a whole number of hours')),
  z.transform((value: string) => Number(value)),
);

const fields = {
  topicArn: text('ALERT_TOPIC_ARN', z.string().check(z.startsWith('arn:', 'an ARN'))),
  emails: list('ALERT_EMAILS'),
  stateTable: text('SUBSCRIPTION_STATE_TABLE'),
  namespace: text('METRIC_NAMESPACE'),
  maxPendingHours: { name: 'MAX_PENDING_HOURS', schema: hours, write: (value: number) => String(value) },
  displayNameParameter: text('ACCOUNT_DISPLAY_NAME_PARAMETER', z.string().check(z.startsWith('/', 'an SSM parameter name starting with /'))),
  language: oneOf('MAIL_LANGUAGE', LANGUAGES),
  timeZone: text('MAIL_TIME_ZONE'),
  environmentName: text('ENVIRONMENT_NAME'),
  runbookBaseUrl: optional(text('RUNBOOK_BASE_URL', z.url('a URL'))),
};

/** The subscription check's settings, as the stack gives them and the handler reads them. */
export type SubscriptionCheckEnvironmentSettings = SettingsOf<typeof fields>;

/** The subscription check's environment variables. */
export const subscriptionCheckEnvironment = functionEnvironment('subscription-check', fields);
