import * as z from 'zod/mini';
import { agentHealthVariables } from './agent-health-environment';
import { functionEnvironment, json, oneOf, optional, type SettingsOf } from './function-environment';

const nonEmptyText = z.string().check(z.minLength(1, 'non-empty text'));
const positiveNumber = (allowed: string) => z.number(allowed).check(z.positive(allowed));

/** Which running EC2 instances that are not managed nodes are mailed as missing. */
export const MISSING_SCOPES = ['update-targets', 'all-running', 'off'] as const;
export type MissingScope = (typeof MISSING_SCOPES)[number];

const fields = {
  ...agentHealthVariables,
  /** Only nodes with one of these tag values are in scope; every managed node when absent. */
  scopeTag: optional(
    json(
      'SCOPE_TAG',
      z.object({ key: nonEmptyText, values: z.array(nonEmptyText).check(z.minLength(1, 'at least one tag value')) }),
    ),
  ),
  /** Minutes between scheduled runs: membership older than this is read again. */
  inventoryMinutes: json('INVENTORY_MINUTES', positiveNumber('a positive number of minutes')),
  /** Minutes in which every known node is read once without a status filter. */
  sweepMinutes: json('SWEEP_MINUTES', positiveNumber('a positive number of minutes')),
  /** PutMetricAlarm calls per second at most (the account's quota, shared with everything else). */
  alarmWritesPerSecond: json('ALARM_WRITES_PER_SECOND', positiveNumber('a positive number of calls per second')),
  /** The tag the update associations target: instances with one of its values are update targets. */
  updateTargetTag: json('UPDATE_TARGET_TAG', z.object({ key: nonEmptyText, values: z.array(nonEmptyText).check(z.minLength(1, 'at least one tag value')) })),
  /** Which running instances that are not managed nodes are mailed as missing. */
  missingScope: oneOf('MISSING_SCOPE', MISSING_SCOPES),
};

/** The fleet inventory's settings, as the stack gives them and the handler reads them. */
export type FleetInventoryEnvironmentSettings = SettingsOf<typeof fields>;

/** The fleet inventory's environment variables. */
export const fleetInventoryEnvironment = functionEnvironment('fleet-inventory', fields);
