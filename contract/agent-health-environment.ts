import * as z from 'zod/mini';
import { json, text } from './function-environment';
import { metricNamespace, muteTag, startGraceMinutes } from './shared-variables';

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
  muteTag,
  /** Minutes after an EC2 instance starts before its agent connection is judged. */
  startGraceMinutes,
  /** More mailable transitions than `threshold` within `windowMinutes` go into digests. */
  storm: json('STORM', z.object({ threshold: positiveWhole('a positive whole number'), windowMinutes: positiveWhole('a positive whole number of minutes') })),
  /** The notifier's ARN (in a spoke, its hub's), invoked asynchronously with the digests and missing-instance events. */
  notifierFunction: text('NOTIFIER_FUNCTION'),
};
