/**
 * The node registry: the fleet inventory's DynamoDB table of the nodes in scope and their alarms,
 * which the agent watch reads. One item per node, keyed by instance ID, plus one item holding the
 * inventory's own state.
 */

/** The table's partition key attribute. */
export const NODE_REGISTRY_KEY = 'id';
