/**
 * The metrics the agent monitor publishes in its environment's namespace (see `environmentNames`),
 * which the alarms, the heartbeat alarm and the dashboard read.
 */

/** Per-node metric: 1 while the node's agent is not online, 0 when it is. */
export const CONNECTION_LOST_METRIC = 'AgentConnectionLost';
/** Fleet metric: how many nodes in scope have each ping status. */
export const MANAGED_NODES_METRIC = 'ManagedNodes';
/** Heartbeat: 1 for every run that read the whole fleet and published. */
export const MONITOR_RUNS_METRIC = 'MonitorRuns';

/** Dimension of the per-node metric, holding the instance ID. */
export const INSTANCE_ID_DIMENSION = 'InstanceId';
/** Dimension of the fleet metric, holding one of the fleet ping statuses. */
export const PING_STATUS_DIMENSION = 'PingStatus';
