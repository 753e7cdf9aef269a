import { text } from './function-environment';

/**
 * Settings both agent health functions (the watch and the fleet inventory) read, each variable named
 * once here: the metric namespace they publish to, the prefix of the node alarms, and the node registry.
 */
export const agentHealthVariables = {
  namespace: text('METRIC_NAMESPACE'),
  alarmNamePrefix: text('ALARM_NAME_PREFIX'),
  registryTable: text('NODE_REGISTRY_TABLE'),
};
