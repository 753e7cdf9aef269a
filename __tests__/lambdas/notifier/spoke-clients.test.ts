import { HttpResponse, type HttpRequest } from '@smithy/core/transport';
import { GetCommandInvocationCommand } from '@aws-sdk/client-ssm';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { sdkSpokeClients, type RoleCredentials } from '../../../lambdas/notifier/spoke-access';

/** Captures every request the clients send and answers each with an empty JSON object. */
function capturingHandler() {
  const requests: HttpRequest[] = [];
  return {
    requests,
    handler: {
      async handle(request: HttpRequest) {
        requests.push(request);
        return { response: new HttpResponse({ statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: new TextEncoder().encode('{}') }) };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    },
  };
}

// Through the SDK's own middleware (endpoint resolution, SigV4 signing with the credentials the
// provider gives): the layer aws-sdk-client-mock replaces in the other notifier tests.
describe('the clients of a spoke', () => {
  it('call the spoke’s Region, signed with the spoke role’s session credentials, and renew them when the provider does', async () => {
    const { requests, handler } = capturingHandler();
    let issued: RoleCredentials = { accessKeyId: 'ASIASPOKE1', secretAccessKey: 'secret-1', sessionToken: 'token-1', expiration: new Date(Date.now() + 3_600_000) };
    const clients = sdkSpokeClients({ requestHandler: handler as never })('us-east-1', async () => issued, { displayNameParameter: '/ops/ssm-agent-ops/web/account-display-name', notesTable: 'ssm-agent-ops-web-use1-alert-notes' });

    await clients.ssm.send(new GetCommandInvocationCommand({ CommandId: '829ca3f2-3efb-4134-98f4-a6c88ba00922', InstanceId: 'i-036dd0598d3fe4cd7' }));
    await clients.tagging.send(new GetResourcesCommand({ ResourceARNList: ['arn:aws:ec2:us-east-1:555555555555:instance/i-036dd0598d3fe4cd7'] }));

    expect(requests.map((request) => request.hostname)).toEqual(['ssm.us-east-1.amazonaws.com', 'tagging.us-east-1.amazonaws.com']);
    for (const request of requests) {
      expect(request.headers.authorization).toMatch(/Credential=ASIASPOKE1\/\d{8}\/us-east-1\/(ssm|tagging)\/aws4_request/);
      expect(request.headers['x-amz-security-token']).toBe('token-1');
    }

    // The SDK asks its provider again once the credentials it holds are about to expire.
    issued = { accessKeyId: 'ASIASPOKE2', secretAccessKey: 'secret-2', sessionToken: 'token-2', expiration: new Date(Date.now() + 3_600_000) };
    const expiring = sdkSpokeClients({ requestHandler: handler as never })(
      'us-east-1',
      async () => (requests.length < 3 ? { ...issued, accessKeyId: 'ASIAOLD', expiration: new Date(Date.now() + 60_000) } : issued),
      { displayNameParameter: '/p', notesTable: 'notes' },
    );
    await expiring.ssm.send(new GetCommandInvocationCommand({ CommandId: 'c', InstanceId: 'i-036dd0598d3fe4cd7' }));
    await expiring.ssm.send(new GetCommandInvocationCommand({ CommandId: 'c', InstanceId: 'i-036dd0598d3fe4cd7' }));
    expect(requests[2]!.headers.authorization).toContain('Credential=ASIAOLD/');
    expect(requests[3]!.headers.authorization).toContain('Credential=ASIASPOKE2/');
  });
});
