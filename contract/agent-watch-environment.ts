import { agentHealthVariables } from './agent-health-environment';
import { functionEnvironment, type SettingsOf } from './function-environment';
import { alertNotesTable } from './shared-variables';

const fields = {
  ...agentHealthVariables,
  /** The watch's mail decisions and storm state, which the notifier reads. */
  notesTable: alertNotesTable,
};

/** The agent watch's settings, as the stack gives them and the handler reads them. */
export type AgentWatchEnvironmentSettings = SettingsOf<typeof fields>;

/** The agent watch's environment variables. */
export const agentWatchEnvironment = functionEnvironment('agent-watch', fields);
