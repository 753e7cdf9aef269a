import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { AGENT_DIGEST_DETAIL_TYPE, PRODUCT_EVENT_SOURCE, UNMANAGED_INSTANCE_DETAIL_TYPE } from '../../contract/events';
import type { DigestDetail, UnmanagedDetail } from './product-events';

/** Where the product's events say they come from. */
export interface EventOrigin {
  account: string;
  region: string;
}

/** The origin of events sent by the function `functionArn` names. */
export function originOf(functionArn: string): EventOrigin {
  const [, , , region = '', account = ''] = functionArn.split(':');
  return { account, region };
}

/**
 * The client settings that reach the notifier `nameOrArn` names: a function of another Region (a
 * spoke's hub) is invoked through that Region's endpoint; a name or an ARN of the caller's own
 * Region adds nothing.
 */
export function notifierRegion(nameOrArn: string): { region?: string } {
  const region = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[3] : undefined;
  return region ? { region } : {};
}

/**
 * Hands an event to the notifier as an asynchronous invocation: Lambda keeps it, retries the notifier
 * and dead-letters it like an event from an EventBridge rule, and the notifier mails each `id` once.
 */
export async function sendToNotifier(
  lambda: LambdaClient,
  notifierFunction: string,
  origin: EventOrigin,
  event: { id: string; detailType: typeof AGENT_DIGEST_DETAIL_TYPE | typeof UNMANAGED_INSTANCE_DETAIL_TYPE; detail: DigestDetail | UnmanagedDetail },
  at: Date,
  signal?: AbortSignal,
): Promise<void> {
  const payload = {
    version: '0',
    id: event.id,
    'detail-type': event.detailType,
    source: PRODUCT_EVENT_SOURCE,
    account: origin.account,
    time: at.toISOString(),
    region: origin.region,
    resources: [],
    detail: event.detail,
  };
  await lambda.send(new InvokeCommand({ FunctionName: notifierFunction, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(payload)) }), signal ? { abortSignal: signal } : undefined);
}
