import { text } from './function-environment';
import { metricNamespace } from './shared-variables';

/**
 * Settings both agent health functions (the watch and the fleet inventory) read, each variable named
 * once here: the metric namespace they publish to, the prefix of the node alarms, and the node registry.
 */
export const agentHealthVariables = {
  namespace: metricNamespace,
  alarmNamePrefix: text('ALARM_NAME_PREFIX'),
  registryTable: text('NODE_REGISTRY_TABLE'),
};
