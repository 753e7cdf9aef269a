import * as z from 'zod/mini';
import { functionEnvironment, json, optional, text, type SettingsOf } from './function-environment';
import { agentHealthVariables } from './agent-health-environment';
import { alertTopicArn, displayNameParameter, mailVariables, missingScope, muteTag, startGraceMinutes, updateTargetTag } from './shared-variables';

/** State Manager association IDs are UUIDs. */
const associationId = z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'an association ID (a UUID)'));

const fields = {
  topicArn: alertTopicArn,
  displayNameParameter,
  /** The node registry the fleet inventory keeps. */
  registryTable: agentHealthVariables.registryTable,
  /** The two update associations whose results the report reads. */
  ssmAgentAssociationId: text('SSM_AGENT_ASSOCIATION_ID', associationId),
  cloudWatchAgentAssociationId: text('CLOUDWATCH_AGENT_ASSOCIATION_ID', associationId),
  updateTargetTag,
  muteTag,
  startGraceMinutes,
  missingScope,
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
