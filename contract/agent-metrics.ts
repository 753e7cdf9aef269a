/**
 * The metrics the agent watch and the fleet inventory publish in their environment's namespace (see
 * `environmentNames`), which the node alarms, the self-monitoring alarms and the dashboard read.
 */

/** Per-node metric: 1 while the node's agent is not online, 0 when it is. */
export const CONNECTION_LOST_METRIC = 'AgentConnectionLost';
/** Fleet metric: how many nodes in scope have each ping status. */
export const MANAGED_NODES_METRIC = 'ManagedNodes';
/** The watch's heartbeat: 1 for every run that read the nodes not online to the end and published. */
export const WATCH_RUNS_METRIC = 'WatchRuns';
/** The fleet inventory's heartbeat: 1 for every run that finished its work. */
export const INVENTORY_RUNS_METRIC = 'InventoryRuns';
/**
 * 1 for every watch run that found the status-filtered node list served in mostly empty pages and
 * read the known nodes in slices instead (more calls; see the README).
 */
export const SLICED_READS_METRIC = 'SlicedReads';

/** Node alarms still to create (or update) and to delete after an inventory run. */
export const ALARM_WRITES_PENDING_METRIC = 'AlarmWritesPending';
/** Node alarm writes left for a later run: throttled beyond the SDK's retries, or out of run time. */
export const ALARM_WRITES_DEFERRED_METRIC = 'AlarmWritesDeferred';
/** Node alarm writes AWS refused for a reason retrying cannot fix (denied, invalid): a self-monitoring alarm watches it. */
export const ALARM_WRITE_ERRORS_METRIC = 'AlarmWriteErrors';

/** Dimension of the per-node metric, holding the instance ID. */
export const INSTANCE_ID_DIMENSION = 'InstanceId';
/** Dimension of the fleet metric, holding one of the fleet ping statuses. */
export const PING_STATUS_DIMENSION = 'PingStatus';
/** Dimension of the alarm write metrics: which kind of write. */
export const OPERATION_DIMENSION = 'Operation';
/** The two kinds of node alarm writes, kept apart so that one failing never stops the other. */
export const ALARM_WRITE_OPERATIONS = ['PutMetricAlarm', 'DeleteAlarms'] as const;
export type AlarmWriteOperation = (typeof ALARM_WRITE_OPERATIONS)[number];

/**
 * Fleet metric from the inventory: nodes in scope that are stopped, muted, or missing (running EC2
 * instances that are not managed nodes), by the `Condition` dimension.
 */
export const FLEET_CONDITIONS_METRIC = 'FleetConditions';
export const CONDITION_DIMENSION = 'Condition';
export const FLEET_CONDITIONS = ['Stopped', 'Muted', 'Missing'] as const;
export type FleetCondition = (typeof FLEET_CONDITIONS)[number];
