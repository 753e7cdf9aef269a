import * as z from 'zod/mini';
import { json, text } from './function-environment';
import { metricNamespace } from './shared-variables';

const nonEmptyText = z.string().check(z.minLength(1, 'non-empty text'));
const wholeMinutes = z.number('a whole number of minutes').check(z.int('a whole number of minutes'), z.gte(0, 'zero or more minutes'));
const positiveWhole = (allowed: string) => z.number(allowed).check(z.int(allowed), z.positive(allowed));

/**
 * Settings both agent health functions (the watch and the fleet inventory) read, each variable named
 * once here: the metric namespace they publish to, the prefix of the node alarms, and the node registry.
 */
export const agentHealthVariables = {
  namespace: metricNamespace,
  alarmNamePrefix: text('ALARM_NAME_PREFIX'),
  registryTable: text('NODE_REGISTRY_TABLE'),
  /** Instances with this tag are watched but never mailed. */
  muteTag: json('MUTE_TAG', z.object({ key: nonEmptyText, value: z.string() })),
  /** Minutes after an EC2 instance starts before its agent connection is judged. */
  startGraceMinutes: json('START_GRACE_MINUTES', wholeMinutes),
  /** More mailable transitions than `threshold` within `windowMinutes` go into digests. */
  storm: json('STORM', z.object({ threshold: positiveWhole('a positive whole number'), windowMinutes: positiveWhole('a positive whole number of minutes') })),
  /** The notifier, invoked asynchronously with the digests and missing-instance events. */
  notifierFunction: text('NOTIFIER_FUNCTION'),
};
