import { agentHealthVariables } from './agent-health-environment';
import { functionEnvironment, type SettingsOf } from './function-environment';

const fields = { ...agentHealthVariables };

/** The agent watch's settings, as the stack gives them and the handler reads them. */
export type AgentWatchEnvironmentSettings = SettingsOf<typeof fields>;

/** The agent watch's environment variables. */
export const agentWatchEnvironment = functionEnvironment('agent-watch', fields);
