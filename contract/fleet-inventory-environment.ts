import * as z from 'zod/mini';
import { agentHealthVariables } from './agent-health-environment';
import { functionEnvironment, json, optional, type SettingsOf } from './function-environment';
import { missingScope, updateTargetTag } from './shared-variables';

const nonEmptyText = z.string().check(z.minLength(1, 'non-empty text'));
const positiveNumber = (allowed: string) => z.number(allowed).check(z.positive(allowed));

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
  updateTargetTag,
  missingScope,
};

/** The fleet inventory's settings, as the stack gives them and the handler reads them. */
export type FleetInventoryEnvironmentSettings = SettingsOf<typeof fields>;

/** The fleet inventory's environment variables. */
export const fleetInventoryEnvironment = functionEnvironment('fleet-inventory', fields);
