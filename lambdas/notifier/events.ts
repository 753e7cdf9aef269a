// zod/mini keeps the bundle small: the classic API costs hundreds of KB in every cold start.
import * as z from 'zod/mini';
import { COMMAND_INVOCATION_DETAIL_TYPE, INSTANCE_ASSOCIATION_DETAIL_TYPE } from '../shared/ssm-names';

const instanceId = z.string().check(z.regex(/^(i|mi)-[0-9a-f]{8,17}$/, 'an EC2 instance or managed node ID'));
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
  source: z.literal('aws.ssm'),
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
  source: z.literal('aws.ssm'),
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

const notifierEvent = z.discriminatedUnion('detail-type', [commandInvocationEvent, instanceAssociationEvent]);

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

export type NotifierEvent = CommandFailureEvent | AssociationFailureEvent;

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
export function parseNotifierEvent(raw: unknown, watchedStatuses: readonly string[]): NotifierEvent | RejectedEvent {
  const result = notifierEvent.safeParse(raw, { reportInput: true });
  if (!result.success) {
    return { kind: 'rejected', ...envelopeOf(raw), problems: result.error.issues.map(describeIssue) };
  }
  const event = result.data;
  if (!watchedStatuses.includes(event.detail.status)) {
    return {
      kind: 'rejected',
      ...envelopeOf(raw),
      problems: [`detail.status "${event.detail.status}" is not a watched status (${watchedStatuses.join(', ')})`],
    };
  }
  const common = { eventId: event.id, account: event.account, region: event.region, occurredAt: new Date(event.time) };
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
