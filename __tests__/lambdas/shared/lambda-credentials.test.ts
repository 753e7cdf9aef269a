import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultProvider } from '../../../lambdas/shared/lambda-credentials';

const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
];

// The bundles replace the SDK's default credential chain with this one (scripts/build.ts): it must
// find credentials wherever Lambda puts them.
describe('the credential chain of the Lambda bundles', () => {
  const saved = Object.fromEntries(CREDENTIAL_VARIABLES.map((name) => [name, process.env[name]]));
  beforeEach(() => CREDENTIAL_VARIABLES.forEach((name) => delete process.env[name]));
  afterAll(() => Object.entries(saved).forEach(([name, value]) => (value === undefined ? delete process.env[name] : (process.env[name] = value))));

  it('takes the execution role’s credentials from the environment variables Lambda sets', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' });
    await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('reads them once from a local credentials endpoint when the runtime serves them there', async () => {
    let requests = 0;
    const server = createServer((request, response) => {
      requests += 1;
      expect(request.headers.authorization).toBe('local-token');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ AccessKeyId: 'ASIALOCAL', SecretAccessKey: 'local-secret', Token: 'local-session', Expiration: '2099-01-01T00:00:00Z' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`;
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'local-token';
      const credentials = defaultProvider();
      await expect(credentials()).resolves.toMatchObject({ accessKeyId: 'ASIALOCAL', sessionToken: 'local-session' });
      await credentials();
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });

  it('fails with the SDK’s credentials error when neither is there', async () => {
    await expect(defaultProvider()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });
});
