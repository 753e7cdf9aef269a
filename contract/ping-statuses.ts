/** Ping statuses AWS reports for a managed node; `Inactive` is deprecated but still seen. */
export const KNOWN_PING_STATUSES = ['Online', 'ConnectionLost', 'Inactive'] as const;
export type KnownPingStatus = (typeof KNOWN_PING_STATUSES)[number];

/** Fleet counts are published under these values; any status AWS adds later counts as `Other`. */
export const FLEET_PING_STATUSES = [...KNOWN_PING_STATUSES, 'Other'] as const;
export type FleetPingStatus = (typeof FLEET_PING_STATUSES)[number];
