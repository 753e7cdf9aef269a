import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { FLEET } from '../../fixtures/events';
import { ConditionalCheckFailed, InMemoryIdempotencyTable } from '../../fixtures/idempotency-table';

/** One call the fake received: the service operation and its parameters. */
export interface ReceivedCall {
  operation: string;
  input: Record<string, any>;
}

/** What the fake answers for the JSON-protocol operations (SSM, CloudWatch, Tagging); a thrown error becomes an AWS error. */
export type JsonHandlers = Record<string, (input: any) => unknown>;

/**
 * A failure to answer with instead of the operation's result, as AWS (or the network) produces it:
 * - `error`: a service error in the operation's protocol (JSON `__type` body, or the query protocol's
 *   XML `ErrorResponse`) with its HTTP status;
 * - `raw`: any other HTTP answer, such as a load balancer's 503 page;
 * - `reset`: the connection closes without an answer.
 */
export type Fault =
  | { kind: 'error'; status: number; code: string; message?: string }
  | { kind: 'raw'; status: number; contentType: string; body: string }
  | { kind: 'reset' };

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * A local HTTP endpoint speaking the wire protocols of the services the functions call (SSM, DynamoDB,
 * CloudWatch and the Resource Groups Tagging API over JSON, SNS over the query protocol), so that a
 * client of the real AWS SDK, in a packaged Lambda or in a test, runs its whole stack against it
 * (serialization, error parsing and the SDK's retries) with AWS_ENDPOINT_URL or `endpoint` pointing
 * here. Faults and delays can be injected per operation (`SSM.DescribeAssociationExecutions`).
 */
/** The SNS actions the fake answers (query protocol). */
const SNS_ACTIONS = new Set(['Publish', 'ListSubscriptionsByTopic']);

export class FakeAws {
  readonly calls: ReceivedCall[] = [];
  readonly table = new InMemoryIdempotencyTable();
  /** Tables other than the idempotency table, by name: items by their `address` key, in DynamoDB's JSON. */
  readonly plainTables = new Map<string, Map<string, Record<string, unknown>>>();
  /** The topic's subscriptions ListSubscriptionsByTopic lists; a test changes them between invocations. */
  subscriptions: { Protocol: string; Endpoint: string; SubscriptionArn: string; TopicArn: string }[] = [];
  private server?: Server;
  private readonly faults: { operation: string; fault: Fault; remaining: number }[] = [];
  private readonly delays = new Map<string, number>();

  constructor(
    private readonly ssm: JsonHandlers,
    private readonly instanceNames: Record<string, string>,
    private readonly cloudwatch: JsonHandlers = {},
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => this.respond(request, response, body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answers the next `times` calls of `operation` (all of them by default) with `fault`. */
  inject(operation: string, fault: Fault, times = Infinity): void {
    this.faults.push({ operation, fault, remaining: times });
  }

  /** Answers every call of `operation` only after `milliseconds`. */
  delay(operation: string, milliseconds: number): void {
    this.delays.set(operation, milliseconds);
  }

  /** Lets every operation answer normally again. */
  heal(): void {
    this.faults.length = 0;
    this.delays.clear();
  }

  /** Calls received of one operation. */
  callsOf(operation: string): ReceivedCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  /** Mails SNS accepted, in order. */
  published(): { Subject: string; Message: string; TopicArn: string }[] {
    return this.accepted.filter((call) => call.operation === 'SNS.Publish').map((call) => call.input as never);
  }

  /** Calls that were answered with a result, not a fault. */
  private readonly accepted: ReceivedCall[] = [];

  private async respond(request: IncomingMessage, response: ServerResponse, body: string): Promise<void> {
    const call = this.identify(request, body);
    this.calls.push(call);
    const delay = this.delays.get(call.operation);
    if (delay) await sleep(delay);

    const injected = this.faults.find((candidate) => candidate.operation === call.operation && candidate.remaining > 0);
    if (injected) {
      injected.remaining -= 1;
      if (injected.fault.kind === 'reset') {
        request.socket.destroy();
        return;
      }
      const answer = injected.fault.kind === 'raw' ? injected.fault : this.errorAnswer(call.operation, injected.fault);
      send(response, answer);
      return;
    }

    let answer: Answer;
    try {
      answer = this.answer(call);
      if (answer.status === 200) this.accepted.push(call);
    } catch (error) {
      answer = { status: 500, contentType: 'text/plain', body: `The fake failed: ${String(error)}` };
    }
    send(response, answer);
  }

  private identify(request: IncomingMessage, body: string): ReceivedCall {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const [prefix, operation] = target.split('.') as [string, string];
      return { operation: `${SERVICES_BY_TARGET_PREFIX[prefix] ?? prefix}.${operation}`, input: JSON.parse(body || '{}') };
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const action = form.Action ?? '';
    return { operation: SNS_ACTIONS.has(action) ? `SNS.${action}` : `unknown.${action}`, input: form };
  }

  private answer(call: ReceivedCall): Answer {
    const [service, operation] = call.operation.split('.') as [string, string];
    if (service === 'SNS' && operation === 'ListSubscriptionsByTopic') {
      const members = this.subscriptions
        .filter((subscription) => subscription.TopicArn === call.input.TopicArn)
        .map((subscription) => `<member>${Object.entries(subscription).map(([key, value]) => `<${key}>${value}</${key}>`).join('')}</member>`)
        .join('');
      return xml(
        `<ListSubscriptionsByTopicResponse xmlns="${SNS_NAMESPACE}"><ListSubscriptionsByTopicResult><Subscriptions>${members}</Subscriptions></ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>`,
      );
    }
    if (service === 'SNS') {
      return xml(
        `<PublishResponse xmlns="${SNS_NAMESPACE}"><PublishResult><MessageId>message-${this.calls.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`,
      );
    }
    if (service === 'unknown') return { status: 400, contentType: 'text/plain', body: `The fake does not implement ${operation}` };
    const contentType = jsonContentType(service);
    try {
      const output = service === 'DynamoDB' ? this.dynamodb(operation, call.input) : this.jsonOperation(service, operation, call.input);
      return { status: 200, contentType, body: JSON.stringify(output ?? {}, epochSeconds) };
    } catch (error) {
      const item = error instanceof ConditionalCheckFailed ? { Item: error.item } : {};
      return { status: 400, contentType, body: JSON.stringify({ __type: (error as Error).name, message: (error as Error).message, ...item }) };
    }
  }

  /** A service error as the operation's protocol writes it. */
  private errorAnswer(operation: string, fault: Extract<Fault, { kind: 'error' }>): Answer {
    const service = operation.split('.')[0]!;
    const message = fault.message ?? fault.code;
    if (service === 'SNS') {
      const type = fault.status >= 500 ? 'Receiver' : 'Sender';
      return {
        status: fault.status,
        contentType: 'text/xml',
        body: `<ErrorResponse xmlns="${SNS_NAMESPACE}"><Error><Type>${type}</Type><Code>${fault.code}</Code><Message>${message}</Message></Error><RequestId>fault-${this.calls.length}</RequestId></ErrorResponse>`,
      };
    }
    return { status: fault.status, contentType: jsonContentType(service), body: JSON.stringify({ __type: fault.code, message }) };
  }

  private jsonOperation(service: string, operation: string, input: any): unknown {
    const handlers = service === 'SSM' ? this.ssm : service === 'Tagging' ? this.tagging : this.cloudwatch;
    const handler = handlers[operation];
    if (!handler) throw Object.assign(new Error(`The fake does not implement ${service} ${operation}`), { name: 'InvalidAction' });
    return handler(input);
  }

  /** GetResources for the fleet's instances: their Name tags, under the ARNs of the fleet's account and region. */
  private readonly tagging: JsonHandlers = {
    GetResources: ({ ResourceARNList }: { ResourceARNList: string[] }) => ({
      ResourceTagMappingList: Object.entries(this.instanceNames)
        .map(([instanceId, name]) => ({
          ResourceARN: `arn:aws:ec2:${FLEET.region}:${FLEET.account}:instance/${instanceId}`,
          Tags: [{ Key: 'Name', Value: name }],
        }))
        .filter((mapping) => ResourceARNList.includes(mapping.ResourceARN)),
    }),
  };

  private dynamodb(operation: string, input: any): unknown {
    const plain = this.plainTables.get(input.TableName);
    if (plain) {
      switch (operation) {
        case 'Scan':
          return { Items: [...plain.values()], Count: plain.size };
        case 'PutItem':
          plain.set(input.Item.address.S, input.Item);
          return {};
        case 'DeleteItem':
          plain.delete(input.Key.address.S);
          return {};
        default:
          throw Object.assign(new Error(`The fake does not implement DynamoDB ${operation} on ${input.TableName}`), { name: 'InvalidAction' });
      }
    }
    switch (operation) {
      case 'PutItem':
        if (input.Item) {
          try {
            this.table.putItem(input);
          } catch (error) {
            if (error instanceof ConditionalCheckFailed) error.name = 'ConditionalCheckFailedException';
            throw error;
          }
        }
        return {};
      case 'UpdateItem':
        this.table.updateItem(input);
        return {};
      case 'GetItem':
        return this.table.getItem(input);
      case 'DeleteItem':
        this.table.deleteItem(input);
        return {};
      default:
        throw Object.assign(new Error(`The fake does not implement DynamoDB ${operation}`), { name: 'InvalidAction' });
    }
  }
}

const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

const SERVICES_BY_TARGET_PREFIX: Record<string, string> = {
  AmazonSSM: 'SSM',
  DynamoDB_20120810: 'DynamoDB',
  GraniteServiceVersion20100801: 'CloudWatch',
  ResourceGroupsTaggingAPI_20170126: 'Tagging',
};

function jsonContentType(service: string): string {
  return service === 'SSM' || service === 'Tagging' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
}

/** The JSON protocols carry timestamps as epoch seconds. */
function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? original.getTime() / 1000 : value;
}

function xml(body: string): Answer {
  return { status: 200, contentType: 'text/xml', body };
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { 'content-type': answer.contentType, 'x-amzn-requestid': 'fake-request' });
  response.end(answer.body);
}

/** The request body as text; the SDK gzips large CloudWatch payloads. */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve((request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
    });
  });
}
