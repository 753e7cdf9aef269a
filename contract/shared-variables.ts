import * as z from 'zod/mini';
import { json, oneOf, optional, text } from './function-environment';
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
/** Which running EC2 instances that are not managed nodes count as missing: the update targets, every running instance, or none. */
export const MISSING_SCOPES = ['update-targets', 'all-running', 'off'] as const;
export type MissingScope = (typeof MISSING_SCOPES)[number];

const nonEmptyText = z.string().check(z.minLength(1, 'non-empty text'));
const wholeMinutes = z.number('a whole number of minutes').check(z.int('a whole number of minutes'), z.gte(0, 'zero or more minutes'));

/** The tag that mutes a node, its grace after a start, the missing scope and the update targets' tag, as values (a hub carries its spokes'). */
export const muteTagSchema = z.object({ key: nonEmptyText, value: z.string() });
export const startGraceSchema = wholeMinutes;
export const missingScopeSchema = z.enum(MISSING_SCOPES, `one of ${MISSING_SCOPES.join(', ')}`);
export const updateTargetTagSchema = z.object({ key: nonEmptyText, values: z.array(nonEmptyText).check(z.minLength(1, 'at least one tag value')) });

/** Instances with this tag are watched but never mailed, and listed as muted. */
export const muteTag = json('MUTE_TAG', muteTagSchema);
/** Minutes after an EC2 instance starts before its agent connection is judged or it counts as missing. */
export const startGraceMinutes = json('START_GRACE_MINUTES', startGraceSchema);
/** Which running instances that are not managed nodes count as missing. */
export const missingScope = oneOf('MISSING_SCOPE', MISSING_SCOPES);
/** The tag the update associations target: instances with one of its values are update targets. */
export const updateTargetTag = json('UPDATE_TARGET_TAG', updateTargetTagSchema);
/** The environment's CloudWatch namespace. */
export const metricNamespace = text('METRIC_NAMESPACE');

/** How mails are written: language, time zone, sending environment and where the runbooks are. */
export const mailVariables = {
  language: oneOf('MAIL_LANGUAGE', LANGUAGES),
  timeZone: text('MAIL_TIME_ZONE'),
  environmentName: text('ENVIRONMENT_NAME'),
  runbookBaseUrl: optional(text('RUNBOOK_BASE_URL', z.url('a URL'))),
};
