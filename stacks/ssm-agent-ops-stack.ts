import { join } from 'node:path';
import { Construct } from 'constructs';
import { S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentSettings } from '../config/schema';
import { environmentNames } from '../contract/names';
import { AccountDisplayName } from './account-display-name';
import { AgentHealthMonitor } from './agent-health-monitor';
import { AgentUpdateAssociations } from './agent-update-associations';
import { longestGapMinutes } from '../config/check-schedule';
import { AlertTopic } from './alert-topic';
import { awsLocation, type AwsLocation } from './aws-arn';
import { ChatChannel } from './chat-channel';
import { Dashboard } from './dashboard';
import { FailureAlerts } from './failure-alerts';
import { Notifier } from './notifier';
import { SelfMonitoring } from './self-monitoring';
import { SubscriptionCheck } from './subscription-check';

export interface SsmAgentOpsStackProps {
  readonly settings: EnvironmentSettings;
  /** Directory holding one esbuild bundle per Lambda (`<dir>/<function>/index.js`). */
  readonly bundlesDir: string;
}

/** Everything ssm-agent-ops deploys into one environment (one AWS account and region). */
export class SsmAgentOpsStack extends TerraformStack {
  readonly location: AwsLocation;
  readonly alertTopic: AlertTopic;
  readonly accountDisplayName: AccountDisplayName;
  readonly agentUpdates: AgentUpdateAssociations;
  readonly notifier: Notifier;
  readonly failureAlerts: FailureAlerts;
  readonly selfMonitoring: SelfMonitoring;
  readonly agentHealthMonitor: AgentHealthMonitor;
  readonly subscriptionCheck: SubscriptionCheck;
  readonly chatChannel?: ChatChannel;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, props: SsmAgentOpsStackProps) {
    const { settings } = props;
    const names = environmentNames(settings.name);
    super(scope, names.stackName);

    this.location = awsLocation(settings.region, settings.accountId);

    new AwsProvider(this, 'aws', {
      region: settings.region,
      allowedAccountIds: [settings.accountId],
      defaultTags: [{ tags: settings.tags }],
    });
    new S3Backend(this, {
      bucket: settings.state.bucket,
      key: `ssm-agent-ops/${settings.name}/terraform.tfstate`,
      region: settings.state.region,
      encrypt: true,
    });
    // S3-native locking needs Terraform 1.11; cdktf 0.21 has no typed option for it yet.
    this.addOverride('terraform.backend.s3.use_lockfile', true);
    this.addOverride('terraform.required_version', '>= 1.11');

    this.agentUpdates = new AgentUpdateAssociations(this, 'agent-updates', {
      targets: settings.updateTargets,
      ssmAgent: settings.ssmAgentUpdate,
      cloudWatchAgent: settings.cloudWatchAgentUpdate,
      cloudWatchAgentDocumentName: names.documentNames.cloudWatchAgentUpdate,
    });
    this.alertTopic = new AlertTopic(this, 'alert-topic', {
      topicName: settings.alerts.topicName,
      emails: settings.alerts.emails,
      location: this.location,
      resourceNamePrefix: names.resourcePrefix,
      unsubscribeContact: settings.alerts.unsubscribeContact,
      chat: settings.chat ? { topicName: names.chat.topicName, metricNamespace: names.metricNamespace } : undefined,
    });
    if (settings.chat && settings.chat.channel !== 'topic-only') {
      const { chat } = settings;
      this.chatChannel = new ChatChannel(this, 'chat-channel', {
        ...(chat.channel === 'slack'
          ? { slack: { workspaceId: chat.workspaceId, channelId: chat.channelId } }
          : { teams: { teamId: chat.teamId, channelId: chat.channelId, tenantId: chat.tenantId } }),
        configurationRegion: chat.configurationRegion,
        guardrailPolicyArns: chat.guardrailPolicyArns,
        configurationName: names.chat.configurationName,
        roleName: names.chat.channelRoleName,
        topicArn: this.alertTopic.chatTopic!.arn,
        location: this.location,
        tags: settings.tags,
      });
    }
    this.accountDisplayName = new AccountDisplayName(this, 'account-display-name', {
      settings: settings.accountDisplayName,
      location: this.location,
    });

    this.selfMonitoring = new SelfMonitoring(this, 'self-monitoring', {
      resourceNamePrefix: names.resourcePrefix,
      topicArn: this.alertTopic.topic.arn,
      language: settings.alerts.language,
      runbookBaseUrl: settings.alerts.runbookBaseUrl,
    });
    this.alertTopic.watchChatDelivery(this.selfMonitoring);

    this.notifier = new Notifier(this, 'notifier', {
      functionName: names.functionNames.notifier,
      resourceNamePrefix: names.resourcePrefix,
      location: this.location,
      bundleDir: join(props.bundlesDir, 'notifier'),
      packaging: settings.lambdaPackaging,
      logRetentionDays: settings.logRetentionDays,
      alertTopic: this.alertTopic,
      accountDisplayName: this.accountDisplayName,
      mail: {
        language: settings.alerts.language,
        timeZone: settings.alerts.timeZone,
        runbookBaseUrl: settings.alerts.runbookBaseUrl,
        environmentName: settings.name,
      },
      watchedStatuses: settings.failureAlerts.statuses,
      agentAlarmPrefix: names.agentAlarmPrefix,
      alertNotesTable: names.alertNotesTable,
      selfMonitoring: this.selfMonitoring,
    });
    this.failureAlerts = new FailureAlerts(this, 'failure-alerts', {
      ruleNames: names.ruleNames,
      documents: [...new Set([...this.agentUpdates.documents, ...settings.failureAlerts.extraDocuments])],
      statuses: settings.failureAlerts.statuses,
      notifier: this.notifier,
    });

    this.agentHealthMonitor = new AgentHealthMonitor(this, 'agent-health-monitor', {
      functionNames: { watch: names.functionNames.agentWatch, inventory: names.functionNames.fleetInventory, notifier: names.functionNames.notifier },
      ruleNames: {
        watchSchedule: names.ruleNames.agentWatchSchedule,
        inventorySchedule: names.ruleNames.fleetInventorySchedule,
        alarmState: names.ruleNames.agentAlarmState,
      },
      registryTableName: names.nodeRegistryTable,
      notesTableName: names.alertNotesTable,
      location: this.location,
      bundlesDir: props.bundlesDir,
      packaging: settings.lambdaPackaging,
      logRetentionDays: settings.logRetentionDays,
      metricNamespace: names.metricNamespace,
      alarmNamePrefix: names.agentAlarmPrefix,
      scopeTag:
        settings.agentMonitor.scope === 'update-targets'
          ? { key: settings.updateTargets.tagKey, values: settings.updateTargets.tagValues }
          : undefined,
      inventoryMinutes: settings.agentMonitor.inventoryMinutes,
      sweepMinutes: settings.agentMonitor.sweepMinutes,
      alarmWritesPerSecond: settings.agentMonitor.alarmWritesPerSecond,
      muteTag: settings.agentMonitor.muteTag,
      startGraceMinutes: settings.agentMonitor.startGraceMinutes,
      missingScope: settings.agentMonitor.missingScope,
      updateTargetTag: { key: settings.updateTargets.tagKey, values: settings.updateTargets.tagValues },
      storm: settings.agentMonitor.storm,
      notifier: this.notifier,
      selfMonitoring: this.selfMonitoring,
    });

    this.subscriptionCheck = new SubscriptionCheck(this, 'subscription-check', {
      functionName: names.functionNames.subscriptionCheck,
      scheduleRuleName: names.ruleNames.subscriptionCheckSchedule,
      schedule: settings.subscriptionCheck.schedule,
      longestGapMinutes: longestGapMinutes(settings.subscriptionCheck.schedule)!,
      stateTableName: names.subscriptionStateTable,
      location: this.location,
      bundleDir: join(props.bundlesDir, 'subscription-check'),
      packaging: settings.lambdaPackaging,
      logRetentionDays: settings.logRetentionDays,
      metricNamespace: names.metricNamespace,
      alertTopic: this.alertTopic,
      accountDisplayName: this.accountDisplayName,
      emails: settings.alerts.emails,
      maxPendingHours: settings.subscriptionCheck.maxPendingHours,
      mail: {
        language: settings.alerts.language,
        timeZone: settings.alerts.timeZone,
        runbookBaseUrl: settings.alerts.runbookBaseUrl,
        environmentName: settings.name,
      },
      selfMonitoring: this.selfMonitoring,
    });

    this.dashboard = new Dashboard(this, 'dashboard', {
      name: names.stackName,
      region: settings.region,
      metricNamespace: names.metricNamespace,
      failureRuleNames: [this.failureAlerts.commandRule.name, this.failureAlerts.associationRule.name, this.failureAlerts.associationRunRule.name],
      topicName: this.alertTopic.topic.name,
      deadLetterQueueName: this.notifier.deadLetterQueue.name,
      functionNames: [
        this.notifier.function.functionName,
        this.agentHealthMonitor.watch.functionName,
        this.agentHealthMonitor.inventory.functionName,
        this.subscriptionCheck.function.functionName,
      ],
      configuredAddresses: settings.alerts.emails.length,
    });
  }
}
