import type { Fault } from './fake-aws';

/**
 * The errors AWS answers a call with, as each service writes them on the wire (error code and HTTP
 * status of the service's protocol), for `FakeAws.inject`. Operations are named as the fake names
 * them: `SSM.DescribeAssociationExecutions`, `SNS.Publish`, `DynamoDB.PutItem`, `Tagging.GetResources`.
 */

const ROLE = 'arn:aws:sts::333333333333:assumed-role/ssm-agent-ops-prod-notifier-role/ssm-agent-ops-prod-notifier';

function service(operation: string): string {
  return operation.split('.')[0]!;
}

function action(operation: string): string {
  const [name, call] = operation.split('.') as [string, string];
  const prefix: Record<string, string> = { SSM: 'ssm', SNS: 'SNS', DynamoDB: 'dynamodb', Tagging: 'tag' };
  return `${prefix[name] ?? name.toLowerCase()}:${call}`;
}

/** The service's throttling error; every one of them is on the SDK's list of throttling codes. */
export function throttled(operation: string): Fault {
  switch (service(operation)) {
    case 'SNS':
      // awsQuery code Throttled, modelled as ThrottledException with HTTP 429.
      return { kind: 'error', status: 429, code: 'Throttled', message: 'Rate exceeded' };
    case 'DynamoDB':
      return {
        kind: 'error',
        status: 400,
        code: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      };
    case 'Tagging':
      return { kind: 'error', status: 400, code: 'ThrottledException', message: 'Rate exceeded' };
    default:
      return { kind: 'error', status: 400, code: 'ThrottlingException', message: 'Rate exceeded' };
  }
}

/** The service's internal error, HTTP 500. */
export function serverError(operation: string): Fault {
  switch (service(operation)) {
    case 'SNS':
      return { kind: 'error', status: 500, code: 'InternalError', message: 'Internal Error' };
    case 'DynamoDB':
      return { kind: 'error', status: 500, code: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' };
    case 'Tagging':
      return { kind: 'error', status: 500, code: 'InternalServiceException', message: 'Internal service error' };
    default:
      return { kind: 'error', status: 500, code: 'InternalServerError', message: 'An internal error occurred' };
  }
}

/** IAM's refusal, as the service reports it. */
export function denied(operation: string): Fault {
  const message = `User: ${ROLE} is not authorized to perform: ${action(operation)} because no identity-based policy allows the ${action(operation)} action`;
  switch (service(operation)) {
    case 'SNS':
      return { kind: 'error', status: 403, code: 'AuthorizationError', message };
    case 'DynamoDB':
      return { kind: 'error', status: 400, code: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message };
    default:
      return { kind: 'error', status: 400, code: 'AccessDeniedException', message };
  }
}

/** A load balancer in front of the service answering 503 with an HTML page, not the service's protocol. */
export const UNAVAILABLE_PAGE: Fault = {
  kind: 'raw',
  status: 503,
  contentType: 'text/html',
  body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
};

/** The connection closes before any answer. */
export const CONNECTION_RESET: Fault = { kind: 'reset' };
