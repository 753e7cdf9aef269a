import { environmentNames, isCloudWatchAgentUpdateDocument, regionalNames } from '../../contract/names';

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
        weeklyReport: 'ssm-agent-ops-prod-weekly-report',
      },
      ruleNames: {
        failedCommands: 'ssm-agent-ops-prod-failed-commands',
        failedAssociations: 'ssm-agent-ops-prod-failed-associations',
        failedAssociationRuns: 'ssm-agent-ops-prod-failed-association-runs',
        agentAlarmState: 'ssm-agent-ops-prod-agent-alarm-state',
        agentWatchSchedule: 'ssm-agent-ops-prod-agent-watch-schedule',
        fleetInventorySchedule: 'ssm-agent-ops-prod-fleet-inventory-schedule',
        subscriptionCheckSchedule: 'ssm-agent-ops-prod-subscription-check-schedule',
        weeklyReportSchedule: 'ssm-agent-ops-prod-weekly-report-schedule',
      },
      documentNames: { cloudWatchAgentUpdate: 'ssm-agent-ops-prod-cloudwatch-agent-update' },
      nodeRegistryTable: 'ssm-agent-ops-prod-node-registry',
      subscriptionStateTable: 'ssm-agent-ops-prod-subscription-state',
      chat: { topicName: 'ssm-agent-ops-prod-chat', configurationName: 'ssm-agent-ops-prod-chat', channelRoleName: 'ssm-agent-ops-prod-chat-channel' },
      stateKey: 'ssm-agent-ops/prod/terraform.tfstate',
      hub: {
        busName: 'ssm-agent-ops-prod-hub',
        busRuleNames: { forwardedFailures: 'ssm-agent-ops-prod-hub-failures', forwardedAgentAlarms: 'ssm-agent-ops-prod-hub-agent-alarms' },
        selfMonitoringRelayRulePrefix: 'ssm-agent-ops-prod-hub-relay-',
        readRoleName: 'ssm-agent-ops-prod-hub-read',
        forwardRoleName: 'ssm-agent-ops-prod-forward-to-hub',
        forwardQueueName: 'ssm-agent-ops-prod-unforwarded-alerts',
        selfMonitoringForwardRuleName: 'ssm-agent-ops-prod-self-monitoring-to-hub',
      },
    });
  });

  it('keep the home Region’s names and give another Region’s stack Region-qualified names and its own state key', () => {
    expect(regionalNames('prod', 'ap-northeast-1', 'ap-northeast-1')).toEqual(environmentNames('prod'));
    const east = regionalNames('prod', 'us-east-1', 'ap-northeast-1');
    expect(east).toMatchObject({ stackName: 'ssm-agent-ops-prod-use1', agentAlarmPrefix: 'ssm-agent-ops-prod-use1-agent-', stateKey: 'ssm-agent-ops/prod/us-east-1/terraform.tfstate' });
    expect(east.hub.readRoleName).toBe('ssm-agent-ops-prod-use1-hub-read');
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
      names.hub.busName,
      ...Object.values(names.hub.busRuleNames),
      names.hub.selfMonitoringRelayRulePrefix,
      names.hub.readRoleName,
      names.hub.forwardRoleName,
      names.hub.forwardQueueName,
      names.hub.selfMonitoringForwardRuleName,
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
