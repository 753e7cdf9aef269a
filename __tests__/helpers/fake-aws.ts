import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { ConditionalCheckFailed, InMemoryIdempotencyTable } from '../../fixtures/idempotency-table';

/** One call the fake received: the service operation and its parameters. */
export interface ReceivedCall {
  operation: string;
  input: Record<string, any>;
}

/** What the fake answers for the JSON-protocol operations (SSM, CloudWatch); a thrown error becomes an AWS error. */
export type JsonHandlers = Record<string, (input: any) => unknown>;

/**
 * A local HTTP endpoint speaking the wire protocols of the services the packaged functions call (SSM,
 * DynamoDB and CloudWatch over JSON, SNS and EC2 over the query protocol), so that a packaged Lambda,
 * whose bundled SDK cannot be mocked in-process, runs unchanged with AWS_ENDPOINT_URL pointing here,
 * its SDK's retries included. Only the packaged-artifact tests use it; in-process tests use
 * aws-sdk-client-mock.
 */
export class FakeAws {
  readonly calls: ReceivedCall[] = [];
  readonly table = new InMemoryIdempotencyTable();
  /** Tables other than the idempotency table, by name: items by their `address` key, in DynamoDB's JSON. */
  readonly plainTables = new Map<string, Map<string, Record<string, unknown>>>();
  /** The topic's subscriptions ListSubscriptionsByTopic lists; a test changes them between invocations. */
  subscriptions: { Protocol: string; Endpoint: string; SubscriptionArn: string; TopicArn: string }[] = [];
  /** SNS calls (by action) to refuse once each with `Throttled`, HTTP 429, as SNS does past its rate. */
  readonly throttleNext = new Set<string>();
  private server?: Server;

  constructor(
    private readonly ssm: JsonHandlers,
    private readonly instanceNames: Record<string, string>,
    private readonly cloudwatch: JsonHandlers = {},
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        let answer: { status: number; contentType: string; body: string };
        try {
          answer = this.answer(request, body);
        } catch (error) {
          answer = { status: 500, contentType: 'text/plain', body: `The fake failed: ${String(error)}` };
        }
        response.writeHead(answer.status, { 'content-type': answer.contentType });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Mails SNS accepted, in order. */
  published(): { Subject: string; Message: string; TopicArn: string }[] {
    return this.calls.filter((call) => call.operation === 'SNS.Publish').map((call) => call.input as never);
  }

  private answer(request: IncomingMessage, body: string): { status: number; contentType: string; body: string } {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const [prefix, operation] = target.split('.') as [string, string];
      const input = JSON.parse(body || '{}');
      const service = SERVICES_BY_TARGET_PREFIX[prefix] ?? prefix;
      this.calls.push({ operation: `${service}.${operation}`, input });
      const contentType = service === 'SSM' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
      try {
        const output =
          service === 'DynamoDB' ? this.dynamodb(operation, input) : this.jsonOperation(service === 'SSM' ? this.ssm : this.cloudwatch, service, operation, input);
        return { status: 200, contentType, body: JSON.stringify(output ?? {}) };
      } catch (error) {
        const item = error instanceof ConditionalCheckFailed ? { Item: error.item } : {};
        return { status: 400, contentType, body: JSON.stringify({ __type: (error as Error).name, message: (error as Error).message, ...item }) };
      }
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const action = form.Action ?? '';
    if (this.throttleNext.delete(action)) {
      this.calls.push({ operation: `SNS.${action} (throttled)`, input: form });
      return {
        status: 429,
        contentType: 'text/xml',
        body: '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttled</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>',
      };
    }
    if (action === 'ListSubscriptionsByTopic') {
      this.calls.push({ operation: 'SNS.ListSubscriptionsByTopic', input: form });
      const members = this.subscriptions
        .filter((subscription) => subscription.TopicArn === form.TopicArn)
        .map((subscription) => `<member>${Object.entries(subscription).map(([key, value]) => `<${key}>${value}</${key}>`).join('')}</member>`)
        .join('');
      return xml(`<ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListSubscriptionsByTopicResult><Subscriptions>${members}</Subscriptions></ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>`);
    }
    if (action === 'Publish') {
      this.calls.push({ operation: 'SNS.Publish', input: form });
      return xml(`<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>message-${this.calls.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`);
    }
    if (action === 'DescribeTags') {
      this.calls.push({ operation: 'EC2.DescribeTags', input: form });
      const instanceId = Object.entries(form).find(([key, value]) => key.startsWith('Filter.') && key.endsWith('.Value.1') && value.startsWith('i-'))?.[1] ?? '';
      const name = this.instanceNames[instanceId];
      const items = name ? `<item><resourceId>${instanceId}</resourceId><resourceType>instance</resourceType><key>Name</key><value>${name}</value></item>` : '';
      return xml(`<DescribeTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><tagSet>${items}</tagSet></DescribeTagsResponse>`);
    }
    this.calls.push({ operation: `unknown.${action}`, input: form });
    return { status: 400, contentType: 'text/plain', body: `The fake does not implement ${action}` };
  }

  private jsonOperation(handlers: JsonHandlers, service: string, operation: string, input: any): unknown {
    const handler = handlers[operation];
    if (!handler) throw Object.assign(new Error(`The fake does not implement ${service} ${operation}`), { name: 'InvalidAction' });
    return handler(input);
  }

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

const SERVICES_BY_TARGET_PREFIX: Record<string, string> = {
  AmazonSSM: 'SSM',
  DynamoDB_20120810: 'DynamoDB',
  GraniteServiceVersion20100801: 'CloudWatch',
};

function xml(body: string) {
  return { status: 200, contentType: 'text/xml', body };
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
