import * as z from 'zod/mini';
import { functionEnvironment, json, oneOf, optional, text, type SettingsOf } from './function-environment';
import { agentHealthVariables } from './agent-health-environment';
import { alertTopicArn, displayNameParameter, mailVariables } from './shared-variables';

const nonEmptyText = z.string().check(z.minLength(1, 'non-empty text'));
const wholeMinutes = z.number('a whole number of minutes').check(z.int('a whole number of minutes'), z.gte(0, 'a whole number of minutes'));
/** State Manager association IDs are UUIDs. */
const associationId = z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'an association ID (a UUID)'));

/** Which running EC2 instances that are not managed nodes count as missing: the update targets, every running instance, or none. */
export const MISSING_SCOPES = ['update-targets', 'all-running', 'off'] as const;
export type MissingScope = (typeof MISSING_SCOPES)[number];

/** The tag the update associations target. */
export const updateTargetTagSchema = z.object({ key: nonEmptyText, values: z.array(z.string()).check(z.minLength(1, 'at least one tag value')) });
/** The tag that mutes a node. */
export const muteTagSchema = z.object({ key: nonEmptyText, value: z.string() });
/** The grace after an instance starts before it counts as missing. */
export const startGraceSchema = wholeMinutes;
export const missingScopeSchema = z.enum(MISSING_SCOPES, `one of ${MISSING_SCOPES.join(', ')}`);

const fields = {
  topicArn: alertTopicArn,
  displayNameParameter,
  /** The node registry the fleet inventory keeps. */
  registryTable: agentHealthVariables.registryTable,
  /** The two update associations whose results the report reads. */
  ssmAgentAssociationId: text('SSM_AGENT_ASSOCIATION_ID', associationId),
  cloudWatchAgentAssociationId: text('CLOUDWATCH_AGENT_ASSOCIATION_ID', associationId),
  /** The tag the update associations target. */
  updateTargetTag: json('UPDATE_TARGET_TAG', updateTargetTagSchema),
  /** The tag that mutes a node. */
  muteTag: json('MUTE_TAG', muteTagSchema),
  startGraceMinutes: json('START_GRACE_MINUTES', startGraceSchema),
  missingScope: oneOf('MISSING_SCOPE', MISSING_SCOPES),
  /** Only update targets are in the registry when set (agentMonitor.scope update-targets). */
  registryScopedToTargets: optional(json('REGISTRY_SCOPED_TO_TARGETS', z.boolean('true or false'))),
  /** The CloudWatch Agent's metric namespace. */
  cloudWatchAgentNamespace: text('CLOUDWATCH_AGENT_NAMESPACE'),
  ...mailVariables,
};

/** The weekly report's settings, as the stack gives them and the handler reads them. */
export type WeeklyReportEnvironmentSettings = SettingsOf<typeof fields>;

/** The weekly report's environment variables. */
export const weeklyReportEnvironment = functionEnvironment('weekly-report', fields);
