import * as z from 'zod/mini';
import { functionEnvironment, list, text, type SettingsOf, type Variable } from './function-environment';
import { alertTopicArn, displayNameParameter, mailVariables, metricNamespace } from './shared-variables';

const wholeHours: Variable<number> = {
  name: 'MAX_PENDING_HOURS',
  schema: z.pipe(z.string().check(z.regex(/^[1-9]\d*$/, 'a whole number of hours')), z.transform((value: string) => Number(value))),
  write: (value) => String(value),
};

const fields = {
  topicArn: alertTopicArn,
  emails: list('ALERT_EMAILS'),
  stateTable: text('SUBSCRIPTION_STATE_TABLE'),
  namespace: metricNamespace,
  maxPendingHours: wholeHours,
  displayNameParameter,
  ...mailVariables,
};

/** The subscription check's settings, as the stack gives them and the handler reads them. */
export type SubscriptionCheckEnvironmentSettings = SettingsOf<typeof fields>;

/** The subscription check's environment variables. */
export const subscriptionCheckEnvironment = functionEnvironment('subscription-check', fields);
