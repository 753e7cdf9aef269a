import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startOfflineSts, type OfflineSts } from '../../scripts/offline-sts';

// The AWS SDK's own STS client parses the stand-in's answers: the Query API's form-encoded requests
// and XML answers are what the Terraform provider's Go SDK speaks too.
describe('the offline STS endpoint of the Terraform check', () => {
  let sts: OfflineSts;
  beforeAll(async () => {
    sts = await startOfflineSts();
  });
  afterAll(() => sts.close());

  const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = { accessKeyId: 'offline-check', secretAccessKey: 'offline-check' }) =>
    new STSClient({ region: 'us-east-1', endpoint: sts.url, credentials, maxAttempts: 1 });

  it('answers AssumeRole with credentials whose caller identity is the role’s account, and remembers the request', async () => {
    const assumed = await client().send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::555555555555:role/ssm-agent-ops-deploy', RoleSessionName: 'plan', ExternalId: 'ssm-agent-ops-example' }),
    );
    expect(assumed.AssumedRoleUser?.Arn).toBe('arn:aws:sts::555555555555:assumed-role/ssm-agent-ops-deploy/plan');
    expect(assumed.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now());
    expect(sts.calls).toContainEqual({ roleArn: 'arn:aws:iam::555555555555:role/ssm-agent-ops-deploy', sessionName: 'plan', externalId: 'ssm-agent-ops-example' });

    const { AccessKeyId, SecretAccessKey, SessionToken } = assumed.Credentials!;
    const identity = await client({ accessKeyId: AccessKeyId!, secretAccessKey: SecretAccessKey!, sessionToken: SessionToken! }).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('555555555555');
  });

  it('refuses credentials it never issued and anything that is not a role', async () => {
    await expect(client().send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    await expect(client().send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::555555555555:user/deploy', RoleSessionName: 'plan' }))).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
