import { environmentNames } from '../../contract/names';

describe('environment names', () => {
  it('derive every name of an environment from its name', () => {
    expect(environmentNames('prod')).toEqual({
      stackName: 'ssm-agent-ops-prod',
      resourcePrefix: 'ssm-agent-ops-prod',
      agentAlarmPrefix: 'ssm-agent-ops-prod-agent-',
      metricNamespace: 'SSMAgentOps/prod',
      functionNames: { notifier: 'ssm-agent-ops-prod-notifier', agentWatch: 'ssm-agent-ops-prod-agent-watch', fleetInventory: 'ssm-agent-ops-prod-fleet-inventory' },
      ruleNames: {
        failedCommands: 'ssm-agent-ops-prod-failed-commands',
        failedAssociations: 'ssm-agent-ops-prod-failed-associations',
        agentAlarmState: 'ssm-agent-ops-prod-agent-alarm-state',
        agentWatchSchedule: 'ssm-agent-ops-prod-agent-watch-schedule',
        fleetInventorySchedule: 'ssm-agent-ops-prod-fleet-inventory-schedule',
      },
      nodeRegistryTable: 'ssm-agent-ops-prod-node-registry',
    });
  });

  it('name every resource, alarm and rule with the resource prefix, which the resource policies admit', () => {
    const names = environmentNames('stg');
    const all = [names.agentAlarmPrefix, names.nodeRegistryTable, ...Object.values(names.functionNames), ...Object.values(names.ruleNames)];
    for (const name of all) expect(name.startsWith(`${names.resourcePrefix}-`)).toBe(true);
  });
});
