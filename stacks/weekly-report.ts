import { Construct } from 'constructs';
import type { LambdaPackaging } from '../config/schema';
import type { Language } from '../contract/languages';
import { hubEnvironment, type Spoke } from '../contract/spokes';
import { weeklyReportEnvironment } from '../contract/weekly-report-environment';
import type { MissingScope } from '../contract/shared-variables';
import type { AccountDisplayName } from './account-display-name';
import type { AlertTopic } from './alert-topic';
import { arn, type AwsLocation } from './aws-arn';
import type { DeadLetterQueue } from './dead-letter-queue';
import { FunctionSchedule } from './function-schedule';
import type { NodeRegistryTable } from './node-registry-table';
import { PackagedFunction } from './packaged-function';
import type { SelfMonitoring } from './self-monitoring';

export interface WeeklyReportProps {
  readonly functionName: string;
  readonly scheduleRuleName: string;
  /** An EventBridge schedule expression (UTC). */
  readonly schedule: string;
  readonly location: AwsLocation;
  readonly bundleDir: string;
  readonly packaging: LambdaPackaging;
  readonly logRetentionDays: number;
  readonly alertTopic: AlertTopic;
  readonly accountDisplayName: AccountDisplayName;
  readonly registry: NodeRegistryTable;
  /** The update associations whose results the report reads (their IDs, known at apply time). */
  readonly associationIds: { readonly ssmAgent: string; readonly cloudWatchAgent: string };
  readonly updateTargetTag: { readonly key: string; readonly values: readonly string[] };
  readonly muteTag: { readonly key: string; readonly value: string };
  readonly startGraceMinutes: number;
  readonly missingScope: MissingScope;
  /** The registry holds only the update targets (agentMonitor.scope update-targets). */
  readonly registryScopedToTargets: boolean;
  readonly cloudWatchAgentNamespace: string;
  readonly mail: {
    readonly language: Language;
    readonly timeZone: string;
    readonly runbookBaseUrl?: string;
    readonly environmentName: string;
  };
  /** Where a report that failed every attempt is kept; its alarm pages. */
  readonly deadLetterQueue: DeadLetterQueue;
  readonly selfMonitoring: SelfMonitoring;
}

/** The report's timeout (Lambda's longest); at 50,000 nodes a run takes under half of it (see the bench). */
export const WEEKLY_REPORT_TIMEOUT_SECONDS = 900;
/** Lambda retries a failed report twice (about 1 and 2 minutes later). */
const RETRY_ATTEMPTS = 2;
/** A report that could not start for six hours is late enough to be kept and paged about instead. */
const MAX_EVENT_AGE_SECONDS = 6 * 60 * 60;

/**
 * The weekly fleet report: a Lambda on an EventBridge schedule that reads the node registry, Systems
 * Manager, the update associations' results and the CloudWatch Agent's metrics, and mails one
 * report per account and Region it covers (a hub's spokes too, see `readFromSpokes`). A run that
 * fails is retried; one that fails every attempt lands in the dead-letter queue, whose alarm pages,
 * and the errors alarm pages too: a report never silently goes missing.
 */
export class WeeklyReport extends Construct {
  readonly function: PackagedFunction;
  readonly schedule: FunctionSchedule;
  private readonly location: AwsLocation;
  private readonly functionName: string;

  constructor(scope: Construct, id: string, props: WeeklyReportProps) {
    super(scope, id);
    const { location, alertTopic } = props;
    this.location = location;
    this.functionName = props.functionName;

    this.function = new PackagedFunction(this, 'function', {
      functionName: props.functionName,
      description: 'Mails the weekly report: agent versions, update results, silent CloudWatch Agents, untargeted and missing nodes',
      bundleDir: props.bundleDir,
      packaging: props.packaging,
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: WEEKLY_REPORT_TIMEOUT_SECONDS,
      // 50,000 registry items and managed nodes held at once, and the mail rendered a few times over.
      memorySize: 1024,
      environment: weeklyReportEnvironment.encode({
        topicArn: alertTopic.topic.arn,
        displayNameParameter: props.accountDisplayName.parameterName,
        registryTable: props.registry.name,
        ssmAgentAssociationId: props.associationIds.ssmAgent,
        cloudWatchAgentAssociationId: props.associationIds.cloudWatchAgent,
        updateTargetTag: { key: props.updateTargetTag.key, values: [...props.updateTargetTag.values] },
        muteTag: { key: props.muteTag.key, value: props.muteTag.value },
        startGraceMinutes: props.startGraceMinutes,
        missingScope: props.missingScope,
        registryScopedToTargets: props.registryScopedToTargets ? true : undefined,
        cloudWatchAgentNamespace: props.cloudWatchAgentNamespace,
        language: props.mail.language,
        timeZone: props.mail.timeZone,
        environmentName: props.mail.environmentName,
        runbookBaseUrl: props.mail.runbookBaseUrl,
      }),
    });
    const fn = this.function;
    alertTopic.grantPublish(fn);
    props.accountDisplayName.grantRead(fn);
    props.registry.grantRead(fn);
    props.deadLetterQueue.grantSendMessage(fn);
    fn.addToRolePolicy(
      {
        // Only the two update associations' runs and per-node results.
        Sid: 'ReadUpdateResults',
        Effect: 'Allow',
        Action: ['ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets'],
        Resource: [arn(location, 'ssm', `association/${props.associationIds.ssmAgent}`), arn(location, 'ssm', `association/${props.associationIds.cloudWatchAgent}`)],
      },
      // These two actions support no resource-level permissions.
      { Sid: 'ReadManagedNodes', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' },
      { Sid: 'ListRecentAgentMetrics', Effect: 'Allow', Action: 'cloudwatch:ListMetrics', Resource: '*' },
    );

    this.schedule = new FunctionSchedule(this, 'schedule', {
      ruleName: props.scheduleRuleName,
      description: 'Sends the ssm-agent-ops weekly fleet report',
      scheduleExpression: props.schedule,
      function: fn,
      location,
      maximumEventAgeSeconds: MAX_EVENT_AGE_SECONDS,
      retries: { attempts: RETRY_ATTEMPTS, onFailureDestinationArn: props.deadLetterQueue.arn },
    });

    props.selfMonitoring.watchFunctionErrors('weekly-report-errors', fn.functionName, {
      ja: '週次レポートの Lambda が失敗しています (再試行しても失敗した回はデッドレターキューに入り、レポートは届きません)',
      en: 'the weekly report Lambda is failing (a run that fails every retry goes to the dead-letter queue, and the report is not mailed)',
    });
  }

  /**
   * Has the report cover a hub's spokes too: its scheduled run starts one invocation of the function
   * per stack (the hub's own and each spoke's), and a spoke's invocation reads the spoke through the
   * spoke's read role. The function may assume exactly those roles and invoke only itself.
   */
  readFromSpokes(spokes: readonly Spoke[]): void {
    if (spokes.length === 0) return;
    this.function.addEnvironment(hubEnvironment.encode({ spokes }));
    this.function.addToRolePolicy(
      { Sid: 'ReadThroughSpokeRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [...new Set(spokes.map((spoke) => spoke.readRoleArn))].sort() },
      {
        // The scheduled run hands each covered stack's report to an asynchronous invocation of its own.
        Sid: 'StartEachStacksReport',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: arn(this.location, 'lambda', `function:${this.functionName}`),
      },
    );
  }
}
