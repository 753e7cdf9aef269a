import { agentHealthVariables } from './agent-health-environment';
import { functionEnvironment, text, type SettingsOf } from './function-environment';

const fields = {
  ...agentHealthVariables,
  /** The watch's mail decisions and storm state, which the notifier reads. */
  notesTable: text('ALERT_NOTES_TABLE'),
};

/** The agent watch's settings, as the stack gives them and the handler reads them. */
export type AgentWatchEnvironmentSettings = SettingsOf<typeof fields>;

/** The agent watch's environment variables. */
export const agentWatchEnvironment = functionEnvironment('agent-watch', fields);
