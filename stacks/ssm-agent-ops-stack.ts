import { join } from 'node:path';
import { Construct } from 'constructs';
import { S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Deployment, DeploymentRole, SpokeDeployment } from '../config/deployments';
import type { EnvironmentSettings } from '../config/schema';
import { environmentNames, type EnvironmentNames } from '../contract/names';
import type { Spoke } from '../contract/spokes';
import type { AlertRuleTarget } from './alert-rules';
import { AccountDisplayName } from './account-display-name';
import { AgentHealthMonitor, type AgentHealthMonitorProps } from './agent-health-monitor';
import { AgentUpdateAssociations } from './agent-update-associations';
import { longestGapMinutes } from '../config/check-schedule';
import { AlertTopic } from './alert-topic';
import { awsLocation, type AwsLocation } from './aws-arn';
import { ChatChannel } from './chat-channel';
import { Dashboard } from './dashboard';
import { FailureAlerts } from './failure-alerts';
import { HubBus, hubBusArn, notifierArn, roleArn } from './hub-bus';
import { HubForwarding } from './hub-forwarding';
import { Notifier } from './notifier';
import { SelfMonitoring } from './self-monitoring';
import { SpokeReadRole } from './spoke-read-role';
import { SubscriptionCheck } from './subscription-check';
import { WeeklyReport } from './weekly-report';

export interface SsmAgentOpsStackProps {
  readonly settings: EnvironmentSettings;
  /** Directory holding one esbuild bundle per Lambda (`<dir>/<function>/index.js`). */
  readonly bundlesDir: string;
  /**
   * The stack's names and its part among hubs and spokes (config/deployments.ts); a standalone stack
   * of the environment in `settings.region` when absent.
   */
  readonly deployment?: Pick<Deployment, 'names' | 'role'>;
}

/**
 * Everything ssm-agent-ops deploys into one environment's account in one Region. What is regional
 * (associations, failure rules, agent watch and inventory, their alarms) is in every stack; what
 * mails (topic, subscriptions, chat, notifier, subscription check, dashboard) only in a stack that is
 * not a spoke. A spoke instead forwards its alerts to its hub and lends the hub's notifier a read role.
 */
export class SsmAgentOpsStack extends TerraformStack {
  readonly location: AwsLocation;
  readonly names: EnvironmentNames;
  readonly role: DeploymentRole;
  readonly accountDisplayName: AccountDisplayName;
  readonly agentUpdates: AgentUpdateAssociations;
  readonly selfMonitoring: SelfMonitoring;
  readonly failureAlerts: FailureAlerts;
  readonly agentHealthMonitor: AgentHealthMonitor;
  /** The hub's part: undefined in a spoke. */
  readonly alertTopic?: AlertTopic;
  readonly notifier?: Notifier;
  readonly subscriptionCheck?: SubscriptionCheck;
  readonly weeklyReport?: WeeklyReport;
  readonly chatChannel?: ChatChannel;
  readonly dashboard?: Dashboard;
  readonly hubBus?: HubBus;
  /** The spoke's part: undefined unless a spoke. */
  readonly hubForwarding?: HubForwarding;
  readonly spokeReadRole?: SpokeReadRole;
  private readonly settings: EnvironmentSettings;
  private readonly bundlesDir: string;

  constructor(scope: Construct, props: SsmAgentOpsStackProps) {
    const { settings } = props;
    const names = props.deployment?.names ?? environmentNames(settings.name);
    super(scope, names.stackName);
    this.names = names;
    this.role = props.deployment?.role ?? { kind: 'standalone' };
    this.settings = settings;
    this.bundlesDir = props.bundlesDir;
    this.location = awsLocation(settings.region, settings.accountId);

    new AwsProvider(this, 'aws', {
      region: settings.region,
      allowedAccountIds: [settings.accountId],
      ...assumeRoleOf(settings),
      defaultTags: [{ tags: settings.tags }],
    });
    new S3Backend(this, {
      bucket: settings.state.bucket,
      key: names.stateKey,
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

    let alerts: AlertRuleTarget;
    let mailHandOver: AgentHealthMonitorProps['mailHandOver'];
    if (this.role.kind === 'spoke') {
      this.accountDisplayName = this.addAccountDisplayName();
      this.selfMonitoring = this.addSelfMonitoring();
      const { hub } = this.role;
      this.hubForwarding = new HubForwarding(this, 'hub-forwarding', {
        hubBusArn: hubBusArn(hub, hub.names.hub.busName),
        location: this.location,
        resourceNamePrefix: names.resourcePrefix,
        roleName: names.hub.forwardRoleName,
        queueName: names.hub.forwardQueueName,
        selfMonitoringRuleName: names.hub.selfMonitoringForwardRuleName,
        selfMonitoring: this.selfMonitoring,
      });
      this.spokeReadRole = new SpokeReadRole(this, 'spoke-read-role', {
        roleName: names.hub.readRoleName,
        location: this.location,
        hubReaderRoleArns: [roleArn(hub, `${hub.names.functionNames.notifier}-role`), roleArn(hub, `${hub.names.functionNames.weeklyReport}-role`)],
        hubAccountRoot: `arn:${hub.partition}:iam::${hub.accountId}:root`,
      });
      this.accountDisplayName.grantRead(this.spokeReadRole);
      alerts = this.hubForwarding;
      mailHandOver = { notifierArn: notifierArn(hub), notesReader: this.spokeReadRole };
    } else {
      // The hub's part, in the order the stack has always created it: a construct only a hub has goes here.
      this.alertTopic = this.addAlertTopic();
      this.chatChannel = this.addChatChannel(this.alertTopic);
      this.accountDisplayName = this.addAccountDisplayName();
      this.selfMonitoring = this.addSelfMonitoring(this.alertTopic);
      this.alertTopic.watchChatDelivery(this.selfMonitoring);
      this.notifier = this.addNotifier(this.alertTopic);
      alerts = this.notifier;
      mailHandOver = { notifierArn: notifierArn({ ...this.location, names }), notesReader: this.notifier.function };
    }

    // The regional part, in every stack: a construct every Region has goes here.
    this.failureAlerts = new FailureAlerts(this, 'failure-alerts', {
      ruleNames: names.ruleNames,
      documents: [...new Set([...this.agentUpdates.documents, ...settings.failureAlerts.extraDocuments])],
      statuses: settings.failureAlerts.statuses,
      notifier: alerts,
    });
    this.agentHealthMonitor = new AgentHealthMonitor(this, 'agent-health-monitor', {
      functionNames: { watch: names.functionNames.agentWatch, inventory: names.functionNames.fleetInventory },
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
      notifier: alerts,
      mailHandOver,
      selfMonitoring: this.selfMonitoring,
    });

    if (this.spokeReadRole) {
      // The hub's weekly report reads this spoke as the hub's report reads its own stack.
      this.agentHealthMonitor.registry.grantRead(this.spokeReadRole);
      this.spokeReadRole.lendToWeeklyReport({
        location: this.location,
        associationIds: { ssmAgent: this.agentUpdates.ssmAgent.associationId, cloudWatchAgent: this.agentUpdates.cloudWatchAgent.associationId },
      });
    }
    if (this.alertTopic && this.notifier) {
      // The hub's part that reads the regional one (its functions, its rules): a hub-only construct
      // that needs the regional resources goes here.
      this.subscriptionCheck = this.addSubscriptionCheck(this.alertTopic);
      this.weeklyReport = this.addWeeklyReport(this.alertTopic, this.notifier);
      this.dashboard = this.addDashboard(this.alertTopic, this.notifier, [this.subscriptionCheck.function, this.weeklyReport.function]);
      if (this.role.kind === 'hub') {
        this.hubBus = new HubBus(this, 'hub-bus', {
          names: names.hub,
          location: this.location,
          spokes: this.role.spokes,
          organizationId: this.role.organizationId,
          notifier: this.notifier,
          alertTopic: this.alertTopic,
          language: settings.alerts.language,
        });
        const spokes = this.role.spokes.map(spokeEntry);
        this.notifier.readFromSpokes(spokes);
        this.weeklyReport.readFromSpokes(spokes);
      }
    }
  }

  private get mailSettings() {
    const { settings } = this;
    return {
      language: settings.alerts.language,
      timeZone: settings.alerts.timeZone,
      runbookBaseUrl: settings.alerts.runbookBaseUrl,
      environmentName: settings.name,
    };
  }

  private addAlertTopic(): AlertTopic {
    const { settings, names } = this;
    return new AlertTopic(this, 'alert-topic', {
      topicName: settings.alerts.topicName,
      emails: settings.alerts.emails,
      location: this.location,
      resourceNamePrefix: names.resourcePrefix,
      unsubscribeContact: settings.alerts.unsubscribeContact,
      chat: settings.chat ? { topicName: names.chat.topicName, metricNamespace: names.metricNamespace } : undefined,
    });
  }

  private addChatChannel(alertTopic: AlertTopic): ChatChannel | undefined {
    const { settings, names } = this;
    if (!settings.chat || settings.chat.channel === 'topic-only') return undefined;
    const { chat } = settings;
    return new ChatChannel(this, 'chat-channel', {
      ...(chat.channel === 'slack'
        ? { slack: { workspaceId: chat.workspaceId, channelId: chat.channelId } }
        : { teams: { teamId: chat.teamId, channelId: chat.channelId, tenantId: chat.tenantId } }),
      configurationRegion: chat.configurationRegion,
      guardrailPolicyArns: chat.guardrailPolicyArns,
      configurationName: names.chat.configurationName,
      roleName: names.chat.channelRoleName,
      topicArn: alertTopic.chatTopic!.arn,
      location: this.location,
      tags: settings.tags,
      deployRole: settings.deployRole,
    });
  }

  private addAccountDisplayName(): AccountDisplayName {
    return new AccountDisplayName(this, 'account-display-name', { settings: this.settings.accountDisplayName, location: this.location });
  }

  private addSelfMonitoring(alertTopic?: AlertTopic): SelfMonitoring {
    const { settings, names } = this;
    return new SelfMonitoring(this, 'self-monitoring', {
      resourceNamePrefix: names.resourcePrefix,
      topicArn: alertTopic?.topic.arn,
      language: settings.alerts.language,
      runbookBaseUrl: settings.alerts.runbookBaseUrl,
    });
  }

  private addNotifier(alertTopic: AlertTopic): Notifier {
    const { settings, names } = this;
    return new Notifier(this, 'notifier', {
      functionName: names.functionNames.notifier,
      resourceNamePrefix: names.resourcePrefix,
      location: this.location,
      bundleDir: join(this.bundlesDir, 'notifier'),
      packaging: settings.lambdaPackaging,
      logRetentionDays: settings.logRetentionDays,
      alertTopic,
      accountDisplayName: this.accountDisplayName,
      mail: this.mailSettings,
      watchedStatuses: settings.failureAlerts.statuses,
      agentAlarmPrefix: names.agentAlarmPrefix,
      alertNotesTable: names.alertNotesTable,
      selfMonitoring: this.selfMonitoring,
    });
  }

  private addSubscriptionCheck(alertTopic: AlertTopic): SubscriptionCheck {
    const { settings, names } = this;
    return new SubscriptionCheck(this, 'subscription-check', {
      functionName: names.functionNames.subscriptionCheck,
      scheduleRuleName: names.ruleNames.subscriptionCheckSchedule,
      schedule: settings.subscriptionCheck.schedule,
      longestGapMinutes: longestGapMinutes(settings.subscriptionCheck.schedule)!,
      stateTableName: names.subscriptionStateTable,
      location: this.location,
      bundleDir: join(this.bundlesDir, 'subscription-check'),
      packaging: settings.lambdaPackaging,
      logRetentionDays: settings.logRetentionDays,
      metricNamespace: names.metricNamespace,
      alertTopic,
      accountDisplayName: this.accountDisplayName,
      emails: settings.alerts.emails,
      maxPendingHours: settings.subscriptionCheck.maxPendingHours,
      mail: this.mailSettings,
      selfMonitoring: this.selfMonitoring,
    });
  }

  private addWeeklyReport(alertTopic: AlertTopic, notifier: Notifier): WeeklyReport {
    const { settings, names } = this;
    return new WeeklyReport(this, 'weekly-report', {
      functionName: names.functionNames.weeklyReport,
      scheduleRuleName: names.ruleNames.weeklyReportSchedule,
      schedule: settings.weeklyReport.schedule,
      location: this.location,
      bundleDir: join(this.bundlesDir, 'weekly-report'),
      packaging: settings.lambdaPackaging,
      logRetentionDays: settings.logRetentionDays,
      alertTopic,
      accountDisplayName: this.accountDisplayName,
      registry: this.agentHealthMonitor.registry,
      associationIds: { ssmAgent: this.agentUpdates.ssmAgent.associationId, cloudWatchAgent: this.agentUpdates.cloudWatchAgent.associationId },
      updateTargetTag: { key: settings.updateTargets.tagKey, values: settings.updateTargets.tagValues },
      muteTag: settings.agentMonitor.muteTag,
      startGraceMinutes: settings.agentMonitor.startGraceMinutes,
      missingScope: settings.agentMonitor.missingScope,
      registryScopedToTargets: settings.agentMonitor.scope === 'update-targets',
      cloudWatchAgentNamespace: settings.weeklyReport.cloudWatchAgentNamespace,
      mail: this.mailSettings,
      deadLetterQueue: notifier.deadLetterQueue,
      selfMonitoring: this.selfMonitoring,
    });
  }

  private addDashboard(alertTopic: AlertTopic, notifier: Notifier, hubFunctions: readonly { functionName: string }[]): Dashboard {
    const { settings, names } = this;
    return new Dashboard(this, 'dashboard', {
      name: names.stackName,
      region: settings.region,
      metricNamespace: names.metricNamespace,
      failureRuleNames: [this.failureAlerts.commandRule.name, this.failureAlerts.associationRule.name, this.failureAlerts.associationRunRule.name],
      topicName: alertTopic.topic.name,
      deadLetterQueueName: notifier.deadLetterQueue.name,
      functionNames: [
        notifier.function.functionName,
        this.agentHealthMonitor.watch.functionName,
        this.agentHealthMonitor.inventory.functionName,
        ...hubFunctions.map((fn) => fn.functionName),
      ],
      configuredAddresses: settings.alerts.emails.length,
    });
  }
}

/** The provider's `assume_role`, when the environment names a deploy role. */
export function assumeRoleOf(settings: Pick<EnvironmentSettings, 'deployRole'>) {
  const { deployRole } = settings;
  if (!deployRole) return {};
  return { assumeRole: [{ roleArn: deployRole.roleArn, externalId: deployRole.externalId, sessionName: deployRole.sessionName }] };
}

/** What the hub's functions are told about one spoke. */
function spokeEntry(spoke: SpokeDeployment): Spoke {
  return {
    environment: spoke.environment,
    account: spoke.accountId,
    region: spoke.region,
    readRoleArn: roleArn(spoke, spoke.names.hub.readRoleName),
    displayNameParameter: spoke.displayNameParameter,
    agentAlarmPrefix: spoke.names.agentAlarmPrefix,
    watchedStatuses: spoke.watchedStatuses,
    notesTable: spoke.names.alertNotesTable,
    report: spoke.report,
  };
}
