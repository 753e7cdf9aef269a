import { join } from 'node:path';
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import type { LambdaPackaging } from '../config/schema';
import {
  ALARM_WRITE_ERRORS_METRIC,
  INVENTORY_RUNS_METRIC,
  OPERATION_DIMENSION,
  WATCH_RUNS_METRIC,
  type AlarmWriteOperation,
} from '../contract/agent-metrics';
import { agentWatchEnvironment } from '../contract/agent-watch-environment';
import { ALARM_STATE_CHANGE_DETAIL_TYPE, CLOUDWATCH_EVENT_SOURCE } from '../contract/events';
import { fleetInventoryEnvironment } from '../contract/fleet-inventory-environment';
import type { MissingScope } from '../contract/shared-variables';
import { arn, type AwsLocation } from './aws-arn';
import { FunctionSchedule } from './function-schedule';
import { AlertNotesTable } from './alert-notes-table';
import { NodeRegistryTable } from './node-registry-table';
import type { AlertRuleTarget } from './alert-rules';
import type { PolicyHolder } from './iam-policy';
import { PackagedFunction } from './packaged-function';
import type { SelfMonitoring } from './self-monitoring';

export interface AgentHealthMonitorProps {
  /** The monitor's functions. */
  readonly functionNames: { readonly watch: string; readonly inventory: string };
  readonly ruleNames: { readonly watchSchedule: string; readonly inventorySchedule: string; readonly alarmState: string };
  readonly registryTableName: string;
  /** The watch's mail decisions, which the notifier reads. */
  readonly notesTableName: string;
  readonly location: AwsLocation;
  /** Directory holding one bundle per function (`<dir>/agent-watch`, `<dir>/fleet-inventory`). */
  readonly bundlesDir: string;
  readonly packaging: LambdaPackaging;
  readonly logRetentionDays: number;
  /** CloudWatch namespace of the monitor's metrics; its functions may publish to no other. */
  readonly metricNamespace: string;
  /** Each node's alarm is this prefix followed by the instance ID; the notifier mails such alarms. */
  readonly alarmNamePrefix: string;
  /** Only nodes with this tag are watched; every managed node when absent. */
  readonly scopeTag?: { readonly key: string; readonly values: readonly string[] };
  /** Tag keys the registry records for every node besides the scope tag (read by the weekly report). */
  readonly trackedTagKeys?: readonly string[];
  /** Minutes between inventory runs (membership reconciled). */
  readonly inventoryMinutes: number;
  /** Minutes in which every known node is read once without a status filter. */
  readonly sweepMinutes: number;
  /** PutMetricAlarm calls per second at most. */
  readonly alarmWritesPerSecond: number;
  /** Instances with this tag are watched but never mailed. */
  readonly muteTag: { readonly key: string; readonly value: string };
  /** Minutes after an instance starts before its connection is judged. */
  readonly startGraceMinutes: number;
  /** Which running instances that are not managed nodes are mailed as missing. */
  readonly missingScope: MissingScope;
  /** The update associations' target tag (missing scope `update-targets`). */
  readonly updateTargetTag: { readonly key: string; readonly values: readonly string[] };
  /** More mailable transitions than `threshold` within `windowMinutes` go into digests. */
  readonly storm: { readonly threshold: number; readonly windowMinutes: number };
  /** Where the rules deliver: the notifier, or in a spoke the hub. */
  readonly notifier: AlertRuleTarget;
  /**
   * Where digests and missing-instance mails are handed over: the notifier's ARN (in a spoke, the
   * hub's, in another account or Region), and who reads the watch's notes when an alarm moves (the
   * notifier's function, or in a spoke the read role the hub's notifier assumes).
   */
  readonly mailHandOver: { readonly notifierArn: string; readonly notesReader: PolicyHolder };
  readonly selfMonitoring: SelfMonitoring;
}

/** The watch's timeout: a run ends within half of it, well inside its one-minute schedule. */
export const WATCH_TIMEOUT_SECONDS = 55;
/** The inventory's timeout (Lambda's longest): a run ends within half of it and continues in a new invocation. */
export const INVENTORY_TIMEOUT_SECONDS = 900;
/** Minutes without a watch heartbeat before its alarm fires (the SPEC allows 5). */
const MISSED_WATCH_RUNS_BEFORE_ALARM = 3;
/** Inventory periods without a completed run before its alarm fires. */
const MISSED_INVENTORY_RUNS_BEFORE_ALARM = 3;
/** Period of the refused-write alarms: a refusal counts for this long and the one after. */
const REFUSED_WRITES_PERIOD_SECONDS = 300;

/**
 * The agent health monitor: the watch (every minute: gives a node whose connection changed the value
 * its alarm needs), the fleet inventory (every few minutes: keeps one alarm per node in scope, within
 * CloudWatch's write quotas), the node registry they share, the rule that sends the node alarms' ALARM
 * and OK to the notifier, and the alarms that notice when either function stops or a write keeps
 * being refused.
 */
export class AgentHealthMonitor extends Construct {
  readonly watch: PackagedFunction;
  readonly inventory: PackagedFunction;
  readonly registry: NodeRegistryTable;
  readonly notes: AlertNotesTable;
  readonly alarmStateRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: AgentHealthMonitorProps) {
    super(scope, id);
    const { location, alarmNamePrefix, metricNamespace } = props;
    this.registry = new NodeRegistryTable(this, 'node-registry', { tableName: props.registryTableName });
    this.notes = new AlertNotesTable(this, 'alert-notes', { tableName: props.notesTableName });
    const shared = {
      namespace: metricNamespace,
      alarmNamePrefix,
      registryTable: this.registry.name,
      muteTag: { key: props.muteTag.key, value: props.muteTag.value },
      startGraceMinutes: props.startGraceMinutes,
      storm: { threshold: props.storm.threshold, windowMinutes: props.storm.windowMinutes },
      notifierFunction: props.mailHandOver.notifierArn,
    };

    this.watch = new PackagedFunction(this, 'watch', {
      functionName: props.functionNames.watch,
      description: 'Gives each node whose SSM Agent connection changed the value its alarm needs, every minute',
      bundleDir: join(props.bundlesDir, 'agent-watch'),
      packaging: props.packaging,
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: WATCH_TIMEOUT_SECONDS,
      memorySize: 512,
      environment: agentWatchEnvironment.encode({ ...shared, notesTable: props.notesTableName }),
    });
    this.inventory = new PackagedFunction(this, 'inventory', {
      functionName: props.functionNames.inventory,
      description: 'Keeps one connection alarm per managed node in scope, within the CloudWatch quotas',
      bundleDir: join(props.bundlesDir, 'fleet-inventory'),
      packaging: props.packaging,
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: INVENTORY_TIMEOUT_SECONDS,
      memorySize: 1024,
      environment: fleetInventoryEnvironment.encode({
        ...shared,
        scopeTag: props.scopeTag ? { key: props.scopeTag.key, values: [...props.scopeTag.values] } : undefined,
        inventoryMinutes: props.inventoryMinutes,
        sweepMinutes: props.sweepMinutes,
        alarmWritesPerSecond: props.alarmWritesPerSecond,
        updateTargetTag: { key: props.updateTargetTag.key, values: [...props.updateTargetTag.values] },
        missingScope: props.missingScope,
      }),
    });

    const publishOwnMetrics = {
      Sid: 'PublishOwnMetrics',
      Effect: 'Allow' as const,
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': metricNamespace } },
    };
    // DescribeInstanceInformation, DescribeAlarms (listed by name prefix) and DescribeInstances are
    // granted on "*": AWS authorizes these list calls on no narrower resource.
    const readManagedNodes = { Sid: 'ReadManagedNodes', Effect: 'Allow' as const, Action: 'ssm:DescribeInstanceInformation', Resource: '*' };
    const readAlarms = { Sid: 'ReadAlarms', Effect: 'Allow' as const, Action: 'cloudwatch:DescribeAlarms', Resource: '*' };
    // Digests and missing-instance mails go to the notifier as asynchronous invocations of it, and no other function.
    const invokeNotifier = { Sid: 'HandMailsToNotifier', Effect: 'Allow' as const, Action: 'lambda:InvokeFunction', Resource: props.mailHandOver.notifierArn };
    const readInstances = { Sid: 'ReadInstances', Effect: 'Allow' as const, Action: 'ec2:DescribeInstances', Resource: '*' };
    this.watch.addToRolePolicy(readManagedNodes, readAlarms, readInstances, publishOwnMetrics, invokeNotifier);
    this.registry.grantRead(this.watch);
    this.notes.grantReadWrite(this.watch);
    this.notes.grantRead(props.mailHandOver.notesReader);

    this.inventory.addToRolePolicy(
      readManagedNodes,
      readInstances,
      ...(props.scopeTag
        ? [{ Sid: 'ReadHybridNodeTags', Effect: 'Allow' as const, Action: 'ssm:ListTagsForResource', Resource: arn(location, 'ssm', 'managed-instance/*') }]
        : []),
      readAlarms,
      {
        Sid: 'ManageOwnAgentAlarms',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
        Resource: arn(location, 'cloudwatch', `alarm:${alarmNamePrefix}*`),
      },
      publishOwnMetrics,
      {
        // A run that ends with alarm writes left hands them to a new invocation of itself.
        Sid: 'ContinueOwnRun',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: arn(location, 'lambda', `function:${props.functionNames.inventory}`),
      },
      invokeNotifier,
    );
    this.registry.grantReadWrite(this.inventory);

    new FunctionSchedule(this, 'watch-schedule', {
      ruleName: props.ruleNames.watchSchedule,
      description: 'Runs the ssm-agent-ops agent watch every minute',
      scheduleExpression: 'rate(1 minute)',
      function: this.watch,
      location,
      maximumEventAgeSeconds: 60,
    });
    new FunctionSchedule(this, 'inventory-schedule', {
      ruleName: props.ruleNames.inventorySchedule,
      description: `Runs the ssm-agent-ops fleet inventory every ${props.inventoryMinutes} minutes`,
      scheduleExpression: `rate(${props.inventoryMinutes} minutes)`,
      function: this.inventory,
      location,
      maximumEventAgeSeconds: props.inventoryMinutes * 60,
    });

    this.alarmStateRule = new CloudwatchEventRule(this, 'alarm-state', {
      name: props.ruleNames.alarmState,
      description: 'ALARM and recovery of the ssm-agent-ops agent alarms',
      eventPattern: JSON.stringify({
        source: [CLOUDWATCH_EVENT_SOURCE],
        'detail-type': [ALARM_STATE_CHANGE_DETAIL_TYPE],
        detail: {
          alarmName: [{ prefix: alarmNamePrefix }],
          // ALARM from any state (a node already lost when first seen), OK only after ALARM: a new
          // alarm's first OK is not a recovery.
          $or: [{ state: { value: ['ALARM'] } }, { state: { value: ['OK'] }, previousState: { value: ['ALARM'] } }],
        },
      }),
    });
    props.notifier.addRule('agent-alarm-state', this.alarmStateRule);

    this.watchItself(props);
  }

  private watchItself(props: AgentHealthMonitorProps): void {
    const { selfMonitoring, metricNamespace } = props;
    selfMonitoring.watchFunctionErrors('agent-watch-errors', this.watch.functionName, {
      ja: 'エージェント監視 (agent-watch) の Lambda のエラーが数分続いています (この間、接続断の検知が遅れます)',
      en: 'the agent watch Lambda has been failing for several minutes (lost connections are detected late meanwhile)',
    });
    selfMonitoring.alarm(
      'agent-watch-heartbeat',
      {
        ja: `エージェント監視 (agent-watch) の実行が ${MISSED_WATCH_RUNS_BEFORE_ALARM} 分以上、正常に完了していません。この間、接続断は検知されません`,
        en: `the agent watch has not completed a run for ${MISSED_WATCH_RUNS_BEFORE_ALARM} minutes; lost connections go undetected meanwhile`,
      },
      {
        namespace: metricNamespace,
        metricName: WATCH_RUNS_METRIC,
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: MISSED_WATCH_RUNS_BEFORE_ALARM,
        datapointsToAlarm: MISSED_WATCH_RUNS_BEFORE_ALARM,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        // No heartbeat is the signal itself: a stopped watch must never look like a healthy fleet.
        treatMissingData: 'breaching',
      },
    );

    selfMonitoring.watchFunctionErrors('fleet-inventory-errors', this.inventory.functionName, {
      ja: 'ノード台帳 (fleet-inventory) の Lambda のエラーが数分続いています (新しいノードのアラーム作成が遅れます)',
      en: 'the fleet inventory Lambda has been failing for several minutes (alarms of new nodes are created late meanwhile)',
    });
    const missedMinutes = MISSED_INVENTORY_RUNS_BEFORE_ALARM * props.inventoryMinutes;
    selfMonitoring.alarm(
      'fleet-inventory-heartbeat',
      {
        ja: `ノード台帳 (fleet-inventory) の実行が ${missedMinutes} 分以上、完了していません。この間、新しいノードにアラームが作られず、いなくなったノードのアラームも削除されません`,
        en: `the fleet inventory has not completed a run for ${missedMinutes} minutes; new nodes get no alarm and alarms of departed nodes stay meanwhile`,
      },
      {
        namespace: metricNamespace,
        metricName: INVENTORY_RUNS_METRIC,
        statistic: 'Sum',
        period: props.inventoryMinutes * 60,
        evaluationPeriods: MISSED_INVENTORY_RUNS_BEFORE_ALARM,
        datapointsToAlarm: MISSED_INVENTORY_RUNS_BEFORE_ALARM,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        treatMissingData: 'breaching',
      },
    );

    // A refused write is tried again by every inventory run, so while it keeps being refused a value
    // arrives at least once per inventory period: the window spans one period and one more five-minute
    // period, so that schedule jitter never lets the alarm drop to OK and fire again.
    const windows = Math.ceil((props.inventoryMinutes * 60) / REFUSED_WRITES_PERIOD_SECONDS) + 1;
    const refusedWrites: [AlarmWriteOperation, string, { ja: string; en: string }][] = [
      [
        'PutMetricAlarm',
        'agent-alarm-creates-refused',
        {
          ja: 'ノードのアラーム作成 (PutMetricAlarm) が拒否され続けています (権限など)。アラームを作れなかったノードの接続断は検知されません',
          en: 'writing node alarms (PutMetricAlarm) keeps being refused (permissions or the like); lost connections of those nodes go undetected',
        },
      ],
      [
        'DeleteAlarms',
        'agent-alarm-deletes-refused',
        {
          ja: 'いなくなったノードのアラーム削除 (DeleteAlarms) が拒否され続けています (権限など)。不要なアラームが残り、課金が続きます',
          en: 'deleting the alarms of departed nodes (DeleteAlarms) keeps being refused (permissions or the like); the alarms stay and are billed',
        },
      ],
    ];
    for (const [operation, suffix, what] of refusedWrites) {
      selfMonitoring.alarm(suffix, what, {
        namespace: metricNamespace,
        metricName: ALARM_WRITE_ERRORS_METRIC,
        dimensions: { [OPERATION_DIMENSION]: operation },
        statistic: 'Sum',
        period: REFUSED_WRITES_PERIOD_SECONDS,
        evaluationPeriods: windows,
        datapointsToAlarm: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // Only refusals are counted: throttling that the SDK or a later run absorbs pages no one.
        treatMissingData: 'notBreaching',
      });
    }
  }
}
