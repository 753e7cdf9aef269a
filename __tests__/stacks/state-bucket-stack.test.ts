import { Testing } from 'cdktf';
import { StateBucketStack } from '../../stacks/state-bucket-stack';
import { statementsOf } from '../helpers/synth';

const synthesized = JSON.parse(
  Testing.synth(new StateBucketStack(Testing.app(), { bucket: 'example-tfstate', region: 'ap-northeast-1', tags: { Project: 'ssm-agent-ops' } })),
);
const only = (type: string) => {
  const resources = Object.values(synthesized.resource[type] ?? {});
  expect(resources).toHaveLength(1);
  return resources[0] as any;
};

describe('StateBucketStack', () => {
  it('keeps its own state locally, since the bucket it creates cannot hold it yet', () => {
    expect(synthesized.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(synthesized.terraform.required_version).toBe('>= 1.11');
  });

  it('creates a versioned, KMS-encrypted bucket closed to the public', () => {
    expect(only('aws_s3_bucket').bucket).toBe('example-tfstate');
    expect(only('aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(only('aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true },
    ]);
    expect(only('aws_s3_bucket_public_access_block')).toEqual(
      expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    );
    expect(only('aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('refuses every request that does not use TLS', () => {
    expect(statementsOf(only('aws_s3_bucket_policy').policy)).toEqual([
      {
        Sid: 'DenyPlainHttp',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: [expect.stringMatching(/\.arn\}$/), expect.stringMatching(/\.arn\}\/\*$/)],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });
});
