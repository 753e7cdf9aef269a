import { AGENT_MONITOR_DEFAULTS } from '../../config/schema';
import { scheduledEvent } from '../../fixtures/events';
import { lambdaContext } from '../../fixtures/lambda-context';
import type { SimulatedAws } from '../../fixtures/simulated-aws';
import type { VirtualClock } from '../../fixtures/virtual-clock';
import { createWatch, type WatchRunSummary, type WatchSettings } from '../../lambdas/agent-watch/watch';
import { createInventory, type InventoryRunSummary, type InventorySettings } from '../../lambdas/fleet-inventory/inventory';
import { agentAlarm, agentAlarmVersion } from '../../lambdas/shared/agent-alarm';
import type { InventoryState, NodeRecord } from '../../lambdas/shared/node-registry';
import { INVENTORY_TIMEOUT_SECONDS, WATCH_TIMEOUT_SECONDS } from '../../stacks/agent-health-monitor';

/** The prod environment's names, as the stack gives them to both functions. */
export const PROD = {
  namespace: 'SSMAgentOps/prod',
  alarmNamePrefix: 'ssm-agent-ops-prod-agent-',
  registryTable: 'ssm-agent-ops-prod-node-registry',
  notesTable: 'ssm-agent-ops-prod-alert-notes',
  notifierFunction: 'ssm-agent-ops-prod-notifier',
} as const;

/** The update targets' tag as deployed by default. */
export const DEFAULT_UPDATE_TARGETS = { key: 'ope-type', values: ['auto'] };

/** The inventory as deployed by default. */
export const INVENTORY_DEFAULTS: InventorySettings = { ...PROD, scopeTag: undefined, ...AGENT_MONITOR_DEFAULTS, updateTargetTag: DEFAULT_UPDATE_TARGETS };

/** The watch as deployed by default. */
export const WATCH_DEFAULTS: WatchSettings = watchSettingsOf(INVENTORY_DEFAULTS);

/** The watch's settings that go with the inventory's. */
export function watchSettingsOf(settings: InventorySettings & { notesTable?: string }): WatchSettings {
  return {
    namespace: settings.namespace,
    alarmNamePrefix: settings.alarmNamePrefix,
    registryTable: settings.registryTable,
    notesTable: settings.notesTable ?? PROD.notesTable,
    muteTag: settings.muteTag,
    startGraceMinutes: settings.startGraceMinutes,
    storm: settings.storm,
    notifierFunction: settings.notifierFunction,
  };
}

export const alarmName = (instanceId: string) => `${PROD.alarmNamePrefix}${instanceId}`;

/** Lambda gives every invocation its own request ID. */
let requests = 0;

/**
 * The watch and the fleet inventory of the prod environment against a simulated AWS, run as Lambda
 * runs them (their timeouts, a new request ID per invocation) on a virtual clock.
 */
export function agentHealth(aws: SimulatedAws, clock: VirtualClock, overrides: Partial<InventorySettings> = {}) {
  const settings = { ...INVENTORY_DEFAULTS, ...overrides };
  const clients = { ssm: aws.ssm, ec2: aws.ec2, cloudwatch: aws.cloudwatch, registry: aws.dynamodb, lambda: aws.lambda };
  const inventory = createInventory({ ...clients, settings });
  const watch = createWatch({ ...clients, settings: watchSettingsOf(settings) });
  let continuationsRun = 0;

  const runInventory = (event: unknown) =>
    clock.run(() => inventory(event, lambdaContext('ssm-agent-ops-prod-fleet-inventory', INVENTORY_TIMEOUT_SECONDS, `inventory-${++requests}`)));

  return {
    settings,
    /** One scheduled inventory run. */
    inventory: () => runInventory(scheduledEvent()),
    /** One invocation of the inventory with any event (a continuation, say). */
    inventoryWith: (event: unknown) => runInventory(event),
    /** One watch run. */
    watch: () => clock.run<WatchRunSummary>(() => watch(scheduledEvent(), lambdaContext('ssm-agent-ops-prod-agent-watch', WATCH_TIMEOUT_SECONDS, `watch-${++requests}`))),
    /** A scheduled inventory run, then every continuation it hands on, as Lambda would run them. */
    async inventoryToTheEnd(): Promise<InventoryRunSummary[]> {
      const runs = [(await runInventory(scheduledEvent())).result];
      while (continuationsRun < aws.invocations.length) {
        const next = aws.invocations[continuationsRun++]!;
        // The notifier's invocations (digests, missing-instance mails) are not the inventory's to run.
        if (next.functionName === settings.notifierFunction) continue;
        runs.push((await runInventory(next.payload)).result);
      }
      return runs;
    },
  };
}

/**
 * The state the inventory leaves behind once it has run to the end over the simulation's fleet (every
 * EC2 managed node in the registry with its alarm, each alarm OK), written straight into the
 * simulation: tests of the watch at tens of thousands of nodes start there without replaying the
 * rollout, which the inventory's own tests and the bench cover.
 */
export function seedAlarmedFleet(aws: SimulatedAws, at = new Date()): void {
  const settings = { namespace: PROD.namespace, alarmNamePrefix: PROD.alarmNamePrefix };
  const version = agentAlarmVersion(settings);
  const table = aws.table(PROD.registryTable);
  let registered = 0;
  for (const node of aws.nodes) {
    const record: NodeRecord = {
      id: node.instanceId,
      kind: node.instanceId.startsWith('mi-') ? 'hybrid' : 'ec2',
      registered: node.registered !== false,
      ping: node.pingStatus,
      state: node.instanceId.startsWith('i-') ? (node.state ?? 'running') : undefined,
      checkedAt: at.toISOString(),
      alarm: node.registered !== false ? version : undefined,
    };
    table.set(record.id, JSON.parse(JSON.stringify(record)) as Record<string, unknown>);
    if (record.alarm) {
      registered += 1;
      aws.alarms.set(alarmName(node.instanceId), { ...agentAlarm(node.instanceId, settings), StateValue: 'OK' } as never);
    }
  }
  const state: InventoryState = {
    generation: 1,
    listedAt: at.toISOString(),
    auditedAt: at.toISOString(),
    counts: { nodes: aws.nodes.length, registered, unknownStatus: 0 },
    updatedAt: at.toISOString(),
  };
  table.set('#inventory', { id: '#inventory', ...JSON.parse(JSON.stringify(state)) });
}
