import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConditionalCheckFailed, FakeIdempotencyTable } from './fake-idempotency-table';

/** One call the fake received: the service operation and its parameters. */
export interface ReceivedCall {
  operation: string;
  input: Record<string, any>;
}

/** What the fake answers for the JSON-protocol operations (SSM); a thrown error becomes an AWS error. */
export type JsonHandlers = Record<string, (input: any) => unknown>;

/**
 * A local HTTP endpoint speaking the wire protocols of the four services the notifier calls (SSM and
 * DynamoDB over JSON, SNS and EC2 over the query protocol), so that a packaged Lambda, whose bundled
 * SDK cannot be mocked in-process, runs unchanged with AWS_ENDPOINT_URL pointing here.
 */
export class FakeAws {
  readonly calls: ReceivedCall[] = [];
  readonly table = new FakeIdempotencyTable();
  private server?: Server;

  constructor(
    private readonly ssm: JsonHandlers,
    private readonly instanceNames: Record<string, string>,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        const answer = this.answer(request, body);
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
      const [service, operation] = target.split('.') as [string, string];
      const input = JSON.parse(body || '{}');
      const name = service.startsWith('DynamoDB') ? `DynamoDB.${operation}` : `SSM.${operation}`;
      this.calls.push({ operation: name, input });
      const contentType = service.startsWith('DynamoDB') ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
      try {
        const output = service.startsWith('DynamoDB') ? this.dynamodb(operation, input) : this.ssmOperation(operation, input);
        return { status: 200, contentType, body: JSON.stringify(output ?? {}) };
      } catch (error) {
        const item = error instanceof ConditionalCheckFailed ? { Item: error.item } : {};
        return { status: 400, contentType, body: JSON.stringify({ __type: (error as Error).name, message: (error as Error).message, ...item }) };
      }
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const action = form.Action ?? '';
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

  private ssmOperation(operation: string, input: any): unknown {
    const handler = this.ssm[operation];
    if (!handler) throw Object.assign(new Error(`The fake does not implement SSM ${operation}`), { name: 'InvalidAction' });
    return handler(input);
  }

  private dynamodb(operation: string, input: any): unknown {
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

function xml(body: string) {
  return { status: 200, contentType: 'text/xml', body };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => resolve(body));
  });
}
