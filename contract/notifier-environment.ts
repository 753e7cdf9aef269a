import { functionEnvironment, list, text, type SettingsOf } from './function-environment';
import { alertNotesTable, alertTopicArn, displayNameParameter, mailVariables } from './shared-variables';

const fields = {
  topicArn: alertTopicArn,
  displayNameParameter,
  idempotencyTable: text('IDEMPOTENCY_TABLE'),
  watchedStatuses: list('WATCHED_STATUSES'),
  agentAlarmPrefix: text('AGENT_ALARM_PREFIX'),
  /** The agent watch's mail decisions: what to do with an agent alarm's event. */
  notesTable: alertNotesTable,
  ...mailVariables,
};

/** The notifier's settings, as the stack gives them and the handler reads them. */
export type NotifierEnvironmentSettings = SettingsOf<typeof fields>;

/** The notifier's environment variables. */
export const notifierEnvironment = functionEnvironment('notifier', fields);
