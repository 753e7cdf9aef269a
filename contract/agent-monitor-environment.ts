import * as z from 'zod/mini';
import { functionEnvironment, json, optional, text, type SettingsOf } from './function-environment';
import { metricNamespace } from './shared-variables';

const nonEmptyText = z.string().check(z.minLength(1, 'non-empty text'));

const fields = {
  namespace: metricNamespace,
  alarmNamePrefix: text('ALARM_NAME_PREFIX'),
  /** Only nodes with one of these tag values are in scope; every managed node when absent. */
  scopeTag: optional(
    json(
      'SCOPE_TAG',
      z.object({ key: nonEmptyText, values: z.array(nonEmptyText).check(z.minLength(1, 'at least one tag value')) }),
    ),
  ),
};

/** The agent monitor's settings, as the stack gives them and the handler reads them. */
export type AgentMonitorEnvironmentSettings = SettingsOf<typeof fields>;

/** The agent monitor's environment variables. */
export const agentMonitorEnvironment = functionEnvironment('agent-monitor', fields);
