// zod/mini keeps the bundle small: the classic API costs hundreds of KB in every cold start.
import * as z from 'zod/mini';
import type { DigestDetail, UnmanagedDetail } from '../shared/product-events';
import { INSTANCE_ID_DIMENSION } from '../../contract/agent-metrics';
import {
  AGENT_DIGEST_DETAIL_TYPE,
  PRODUCT_EVENT_SOURCE,
  UNMANAGED_INSTANCE_DETAIL_TYPE,
  ALARM_STATE_CHANGE_DETAIL_TYPE,
  ASSOCIATION_DETAIL_TYPE,
  ASSOCIATION_STATUSES,
  CLOUDWATCH_EVENT_SOURCE,
  COMMAND_INVOCATION_DETAIL_TYPE,
  INSTANCE_ASSOCIATION_DETAIL_TYPE,
  NO_NODE_COUNTED,
  SSM_EVENT_SOURCE,
  type AssociationStatus,
} from '../../contract/events';

const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8,17}$/;
const instanceId = z.string().check(z.regex(INSTANCE_ID, 'an EC2 instance or managed node ID'));
// CloudWatch writes alarm timestamps with a colon-less offset: 2019-10-02T17:04:40.989+0000.
const alarmTimestamp = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/, 'a timestamp'));
const timestamp = z.iso.datetime({ offset: true });
const nonEmptyString = z.string().check(z.minLength(1));

const envelope = {
  version: z.string(),
  id: nonEmptyString,
  account: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit account ID')),
  time: timestamp,
  region: nonEmptyString,
  resources: z.array(z.string()),
};

// Only the fields the mails use are required; AWS may add fields at any time.
const commandInvocationEvent = z.object({
  ...envelope,
  source: z.literal(SSM_EVENT_SOURCE),
  'detail-type': z.literal(COMMAND_INVOCATION_DETAIL_TYPE),
  detail: z.object({
    'command-id': nonEmptyString,
    'document-name': nonEmptyString,
    // The instance is detail.instance-id; resources[0] may name another instance.
    'instance-id': instanceId,
    'requested-date-time': z.optional(timestamp),
    status: nonEmptyString,
  }),
});

const instanceAssociationEvent = z.object({
  ...envelope,
  source: z.literal(SSM_EVENT_SOURCE),
  'detail-type': z.literal(INSTANCE_ASSOCIATION_DETAIL_TYPE),
  detail: z.object({
    'association-id': nonEmptyString,
    'instance-id': instanceId,
    'document-name': nonEmptyString,
    // Can be the literal "Optional.empty".
    'document-version': z.optional(z.string()),
    status: nonEmptyString,
    'detailed-status': z.optional(z.string()),
    'error-code': z.optional(z.string()),
    'execution-summary': z.optional(z.string()),
    'last-execution-date': z.optional(timestamp),
  }),
});

// One per association, not per node. `targets` and `association-status-aggregated-count` are JSON
// text inside the JSON; `association-name` is in EventBridge's event reference but not in the sample.
const associationEvent = z.object({
  ...envelope,
  source: z.literal(SSM_EVENT_SOURCE),
  'detail-type': z.literal(ASSOCIATION_DETAIL_TYPE),
  detail: z.object({
    'association-id': nonEmptyString,
    'association-name': z.optional(z.string()),
    'association-version': z.optional(z.string()),
    'document-name': nonEmptyString,
    targets: z.optional(z.string()),
    'last-execution-date': z.optional(timestamp),
    'schedule-expression': z.optional(z.string()),
    status: nonEmptyString,
    'association-status-aggregated-count': z.optional(z.string()),
  }),
});

const alarmState = z.object({ value: nonEmptyString, timestamp: alarmTimestamp, reason: z.optional(z.string()) });

const alarmStateChangeEvent = z.object({
  ...envelope,
  source: z.literal(CLOUDWATCH_EVENT_SOURCE),
  'detail-type': z.literal(ALARM_STATE_CHANGE_DETAIL_TYPE),
  detail: z.object({
    alarmName: nonEmptyString,
    state: alarmState,
    previousState: alarmState,
    configuration: z.optional(
      z.object({
        metrics: z.optional(
          z.array(
            z.object({
              metricStat: z.optional(z.object({ metric: z.object({ dimensions: z.optional(z.record(z.string(), z.string())) }) })),
            }),
          ),
        ),
      }),
    ),
  }),
});

const optionalText = z.optional(z.string());

// The product's own events (the agent watch's digests, the fleet inventory's missing instances).
const digestEvent = z.object({
  ...envelope,
  source: z.literal(PRODUCT_EVENT_SOURCE),
  'detail-type': z.literal(AGENT_DIGEST_DETAIL_TYPE),
  detail: z.object({
    digestId: nonEmptyString,
    direction: z.enum(['lost', 'back']),
    openedAt: timestamp,
    sequence: z.number().check(z.int(), z.nonnegative()),
    nodes: z.array(z.object({ instanceId, state: nonEmptyString, name: optionalText, platform: optionalText, lastPingAt: z.optional(timestamp) })),
    byState: z.record(z.string(), z.number().check(z.int(), z.nonnegative())),
  }),
});

const unmanagedInstanceEvent = z.object({
  ...envelope,
  source: z.literal(PRODUCT_EVENT_SOURCE),
  'detail-type': z.literal(UNMANAGED_INSTANCE_DETAIL_TYPE),
  detail: z.object({
    key: nonEmptyString,
    change: z.enum(['missing', 'registered']),
    instances: z
      .array(z.object({ instanceId, name: optionalText, platform: optionalText, launchedAt: z.optional(timestamp), profile: optionalText, imds: optionalText }))
      .check(z.minLength(1, 'at least one instance')),
    total: z.number().check(z.int(), z.positive()),
  }),
});

const notifierEvent = z.discriminatedUnion('detail-type', [
  commandInvocationEvent,
  instanceAssociationEvent,
  associationEvent,
  alarmStateChangeEvent,
  digestEvent,
  unmanagedInstanceEvent,
]);

/** Many nodes whose alarm moved the same way during a storm, from the agent watch. */
export interface AgentDigestEvent {
  kind: 'agent-digest';
  eventId: string;
  account: string;
  region: string;
  occurredAt: Date;
  detail: DigestDetail;
}

/** Running instances that are not managed nodes, or that registered since, from the fleet inventory. */
export interface UnmanagedInstanceEvent {
  kind: 'unmanaged-instance';
  eventId: string;
  account: string;
  region: string;
  occurredAt: Date;
  detail: UnmanagedDetail;
}

/** A failed Run Command invocation on one instance. */
export interface CommandFailureEvent {
  kind: 'command-failure';
  eventId: string;
  account: string;
  region: string;
  occurredAt: Date;
  commandId: string;
  documentName: string;
  instanceId: string;
  status: string;
}

/** A failed State Manager association on one instance. */
export interface AssociationFailureEvent {
  kind: 'association-failure';
  eventId: string;
  account: string;
  region: string;
  occurredAt: Date;
  associationId: string;
  documentName: string;
  instanceId: string;
  status: string;
  detailedStatus?: string;
  errorCode?: string;
  executionSummary?: string;
  lastExecutionAt?: Date;
}

/**
 * One run of a State Manager association as a whole (not one node's part of it) that failed or reached
 * no node. Its nodes' own failures arrive as events of their own.
 */
export interface AssociationRunEvent {
  kind: 'association-run';
  eventId: string;
  account: string;
  region: string;
  occurredAt: Date;
  associationId: string;
  associationName?: string;
  associationVersion?: string;
  documentName: string;
  status: AssociationStatus;
  /** No node reported any status for the run: its targets matched nothing. */
  reachedNoNode: boolean;
  /** Nodes by status as the event counts them; undefined when it carries no readable count. */
  nodeCounts?: Readonly<Record<string, number>>;
  /** The association's targets as `key = value, value`, one entry per target. */
  targets?: readonly string[];
  scheduleExpression?: string;
  /** When the run started; identifies the run, so every event of one run shares it. */
  lastExecutionAt?: Date;
}

/** An event the rules deliver only by mistake and that needs no mail: a run in progress or one that succeeded. */
export interface NothingToMail {
  kind: 'nothing-to-mail';
  eventId: string;
  reason: string;
}

/** An agent alarm of this product going to ALARM (connection lost) or back to OK (recovered). */
export interface AgentAlarmEvent {
  kind: 'agent-alarm';
  eventId: string;
  account: string;
  region: string;
  occurredAt: Date;
  alarmName: string;
  instanceId: string;
  state: 'ALARM' | 'OK';
  /** When the alarm entered its new state. */
  since: Date;
  previousState: string;
  /** When the alarm entered its previous state: for OK after ALARM, when the connection was lost. */
  previousSince: Date;
}

export type NotifierEvent = CommandFailureEvent | AssociationFailureEvent | AssociationRunEvent | AgentAlarmEvent | AgentDigestEvent | UnmanagedInstanceEvent;

/** What the notifier accepts as a failure or an agent alarm. */
export interface EventExpectations {
  watchedStatuses: readonly string[];
  /** Agent alarms are the alarms named with this prefix followed by the instance ID. */
  agentAlarmPrefix: string;
}

/** Why an event could not be handled; the notifier mails this instead of retrying. */
export interface RejectedEvent {
  kind: 'rejected';
  eventId?: string;
  detailType?: string;
  account?: string;
  region?: string;
  problems: string[];
}

/**
 * Validates an EventBridge event and turns it into what the notifier acts on. Anything malformed, of
 * an unknown detail-type, or with a status that is not watched is rejected with the reasons.
 */
export function parseNotifierEvent(raw: unknown, expectations: EventExpectations): NotifierEvent | NothingToMail | RejectedEvent {
  const result = notifierEvent.safeParse(raw, { reportInput: true });
  if (!result.success) {
    return { kind: 'rejected', ...envelopeOf(raw), problems: result.error.issues.map(describeIssue) };
  }
  const event = result.data;
  const reject = (problem: string): RejectedEvent => ({ kind: 'rejected', ...envelopeOf(raw), problems: [problem] });
  const common = { eventId: event.id, account: event.account, region: event.region, occurredAt: new Date(event.time) };

  if (event['detail-type'] === ALARM_STATE_CHANGE_DETAIL_TYPE) {
    const { alarmName, state, previousState, configuration } = event.detail;
    if (!alarmName.startsWith(expectations.agentAlarmPrefix)) {
      return reject(`detail.alarmName "${alarmName}" is not an agent alarm of this product (${expectations.agentAlarmPrefix}<instance ID>)`);
    }
    if (state.value !== 'ALARM' && state.value !== 'OK') return reject(`detail.state.value "${state.value}" is neither ALARM nor OK`);
    const instance = configuration?.metrics?.[0]?.metricStat?.metric.dimensions?.[INSTANCE_ID_DIMENSION] ?? alarmName.slice(expectations.agentAlarmPrefix.length);
    if (!INSTANCE_ID.test(instance)) return reject(`the alarm names no instance ID (found "${instance}")`);
    return {
      kind: 'agent-alarm',
      ...common,
      alarmName,
      instanceId: instance,
      state: state.value,
      since: alarmTime(state.timestamp),
      previousState: previousState.value,
      previousSince: alarmTime(previousState.timestamp),
    };
  }

  if (event['detail-type'] === ASSOCIATION_DETAIL_TYPE) return associationRun(event.detail, common, reject);
  if (event['detail-type'] === AGENT_DIGEST_DETAIL_TYPE) return { kind: 'agent-digest', ...common, detail: event.detail };
  if (event['detail-type'] === UNMANAGED_INSTANCE_DETAIL_TYPE) return { kind: 'unmanaged-instance', ...common, detail: event.detail };

  const { watchedStatuses } = expectations;
  if (!watchedStatuses.includes(event.detail.status)) {
    return reject(`detail.status "${event.detail.status}" is not a watched status (${watchedStatuses.join(', ')})`);
  }
  if (event['detail-type'] === COMMAND_INVOCATION_DETAIL_TYPE) {
    return {
      kind: 'command-failure',
      ...common,
      commandId: event.detail['command-id'],
      documentName: event.detail['document-name'],
      instanceId: event.detail['instance-id'],
      status: event.detail.status,
    };
  }
  const detail = event.detail;
  return {
    kind: 'association-failure',
    ...common,
    associationId: detail['association-id'],
    documentName: detail['document-name'],
    instanceId: detail['instance-id'],
    status: detail.status,
    detailedStatus: nonEmpty(detail['detailed-status']),
    errorCode: nonEmpty(detail['error-code']),
    executionSummary: nonEmpty(detail['execution-summary']),
    lastExecutionAt: detail['last-execution-date'] ? new Date(detail['last-execution-date']) : undefined,
  };
}

/**
 * An association-level event as the run it reports. `Failed` is mailed; so is a finished run that no
 * node reported on (`association-status-aggregated-count` is `{}`), whatever its status, because AWS
 * documents no status of its own for a run that finds no targets. `Pending` (a run in progress, which
 * nodes have not reported on yet) and a `Success` that nodes reported need no mail.
 */
function associationRun(
  detail: z.infer<typeof associationEvent>['detail'],
  common: Pick<AssociationRunEvent, 'eventId' | 'account' | 'region' | 'occurredAt'>,
  reject: (problem: string) => RejectedEvent,
): AssociationRunEvent | NothingToMail | RejectedEvent {
  const { status } = detail;
  if (!isAssociationStatus(status)) {
    return reject(`detail.status "${status}" is not an association status (${ASSOCIATION_STATUSES.join(', ')})`);
  }
  const counted = detail['association-status-aggregated-count'];
  const reachedNoNode = counted?.trim() === NO_NODE_COUNTED;
  if (status === 'Pending') return { kind: 'nothing-to-mail', eventId: common.eventId, reason: 'the association run is still in progress' };
  if (status === 'Success' && !reachedNoNode) return { kind: 'nothing-to-mail', eventId: common.eventId, reason: 'the association run succeeded' };
  return {
    kind: 'association-run',
    ...common,
    associationId: detail['association-id'],
    associationName: nonEmpty(detail['association-name']),
    associationVersion: nonEmpty(detail['association-version']),
    documentName: detail['document-name'],
    status,
    reachedNoNode,
    nodeCounts: counted === undefined ? undefined : nodeCounts(counted),
    targets: detail.targets === undefined ? undefined : targetDescriptions(detail.targets),
    scheduleExpression: nonEmpty(detail['schedule-expression']),
    lastExecutionAt: detail['last-execution-date'] ? new Date(detail['last-execution-date']) : undefined,
  };
}

function isAssociationStatus(status: string): status is AssociationStatus {
  return (ASSOCIATION_STATUSES as readonly string[]).includes(status);
}

const countsSchema = z.record(z.string(), z.number().check(z.int(), z.nonnegative()));
const targetsSchema = z.array(z.object({ key: z.string(), values: z.array(z.string()) }));

/** `{"Failed":1,"Success":1}` as counts; undefined when the text is not such an object. */
function nodeCounts(text: string): Readonly<Record<string, number>> | undefined {
  return countsSchema.safeParse(parseJson(text)).data;
}

/** `[{"key":"tag:ope-type","values":["auto"]}]` as `tag:ope-type = auto`; undefined when unreadable. */
function targetDescriptions(text: string): string[] | undefined {
  return targetsSchema.safeParse(parseJson(text)).data?.map((target) => `${target.key} = ${target.values.join(', ')}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function alarmTime(timestamp: string): Date {
  return new Date(timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function envelopeOf(raw: unknown): Omit<RejectedEvent, 'kind' | 'problems'> {
  const record = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    eventId: text(record.id),
    detailType: text(record['detail-type']),
    account: text(record.account),
    region: text(record.region),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (path === 'detail-type' && issue.code === 'invalid_union') return 'detail-type is not one the notifier handles';
  if (path === '') return 'the event is not a JSON object';
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${path}: missing`;
  if (issue.code === 'invalid_type') return `${path}: not a ${issue.expected}`;
  if (issue.code === 'invalid_value') return `${path}: not ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
  return `${path}: ${issue.message}`;
}
