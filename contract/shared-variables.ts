import * as z from 'zod/mini';
import { oneOf, optional, text } from './function-environment';
import { LANGUAGES } from './languages';

/**
 * Variables that more than one function carries, defined once: each function's environment takes
 * them from here, so that a name is written in one place only.
 */

/** The topic alert mails are published to. */
export const alertTopicArn = text('ALERT_TOPIC_ARN', z.string().check(z.startsWith('arn:', 'an ARN')));
/** The SSM parameter holding the account's display name. */
export const displayNameParameter = text('ACCOUNT_DISPLAY_NAME_PARAMETER', z.string().check(z.startsWith('/', 'an SSM parameter name starting with /')));
/** The agent watch's alert notes table (its mail decisions), which the notifier reads. */
export const alertNotesTable = text('ALERT_NOTES_TABLE');
/** The environment's CloudWatch namespace. */
export const metricNamespace = text('METRIC_NAMESPACE');

/** How mails are written: language, time zone, sending environment and where the runbooks are. */
export const mailVariables = {
  language: oneOf('MAIL_LANGUAGE', LANGUAGES),
  timeZone: text('MAIL_TIME_ZONE'),
  environmentName: text('ENVIRONMENT_NAME'),
  runbookBaseUrl: optional(text('RUNBOOK_BASE_URL', z.url('a URL'))),
};
