import * as z from 'zod/mini';
import { readEnvironment } from '../shared/environment';
import type { MonitorSettings } from './monitor';

const environmentSchema = z.object({
  METRIC_NAMESPACE: z.string().check(z.minLength(1)),
  ALARM_NAME_PREFIX: z.string().check(z.minLength(1)),
  SCOPE_TAG_KEY: z.optional(z.string().check(z.minLength(1))),
  SCOPE_TAG_VALUES: z.optional(z.string().check(z.minLength(1))),
});

/** Reads the monitor's environment; a missing or bad variable fails the cold start, naming it. */
export function readMonitorEnvironment(variables: NodeJS.ProcessEnv): MonitorSettings {
  const env = readEnvironment(environmentSchema, variables, 'agent monitor');
  return {
    namespace: env.METRIC_NAMESPACE,
    alarmNamePrefix: env.ALARM_NAME_PREFIX,
    scopeTag: env.SCOPE_TAG_KEY ? { key: env.SCOPE_TAG_KEY, values: (env.SCOPE_TAG_VALUES ?? '').split(',') } : undefined,
  };
}
