import { environmentNames, isCloudWatchAgentUpdateDocument } from '../../contract/names';

describe('environment names', () => {
  it('derive every name of an environment from its name', () => {
    expect(environmentNames('prod')).toEqual({
      stackName: 'ssm-agent-ops-prod',
      resourcePrefix: 'ssm-agent-ops-prod',
      agentAlarmPrefix: 'ssm-agent-ops-prod-agent-',
      alertNotesTable: 'ssm-agent-ops-prod-alert-notes',
      metricNamespace: 'SSMAgentOps/prod',
      functionNames: {
        notifier: 'ssm-agent-ops-prod-notifier',
        agentWatch: 'ssm-agent-ops-prod-agent-watch',
        fleetInventory: 'ssm-agent-ops-prod-fleet-inventory',
        subscriptionCheck: 'ssm-agent-ops-prod-subscription-check',
      },
      ruleNames: {
        failedCommands: 'ssm-agent-ops-prod-failed-commands',
        failedAssociations: 'ssm-agent-ops-prod-failed-associations',
        failedAssociationRuns: 'ssm-agent-ops-prod-failed-association-runs',
        agentAlarmState: 'ssm-agent-ops-prod-agent-alarm-state',
        agentWatchSchedule: 'ssm-agent-ops-prod-agent-watch-schedule',
        fleetInventorySchedule: 'ssm-agent-ops-prod-fleet-inventory-schedule',
        subscriptionCheckSchedule: 'ssm-agent-ops-prod-subscription-check-schedule',
      },
      documentNames: { cloudWatchAgentUpdate: 'ssm-agent-ops-prod-cloudwatch-agent-update' },
      nodeRegistryTable: 'ssm-agent-ops-prod-node-registry',
      subscriptionStateTable: 'ssm-agent-ops-prod-subscription-state',
      chat: { topicName: 'ssm-agent-ops-prod-chat', configurationName: 'ssm-agent-ops-prod-chat', channelRoleName: 'ssm-agent-ops-prod-chat-channel' },
    });
  });

  it('name every resource, alarm and rule with the resource prefix, which the resource policies admit', () => {
    const names = environmentNames('stg');
    const all = [
      names.agentAlarmPrefix,
      ...Object.values(names.functionNames),
      ...Object.values(names.ruleNames),
      ...Object.values(names.documentNames),
      names.subscriptionStateTable,
      names.nodeRegistryTable,
      ...Object.values(names.chat),
    ];
    for (const name of all) expect(name.startsWith(`${names.resourcePrefix}-`)).toBe(true);
  });

  it("recognise every environment's CloudWatch Agent update document, and no other document", () => {
    for (const environment of ['dev', 'stg', 'prod', 'team-a-2']) {
      expect(isCloudWatchAgentUpdateDocument(environmentNames(environment).documentNames.cloudWatchAgentUpdate)).toBe(true);
    }
    for (const other of ['AWS-ConfigureAWSPackage', 'AmazonCloudWatch-ManageAgent', 'ssm-agent-ops--cloudwatch-agent-update', 'my-ssm-agent-ops-prod-cloudwatch-agent-update']) {
      expect(isCloudWatchAgentUpdateDocument(other)).toBe(false);
    }
  });
});
