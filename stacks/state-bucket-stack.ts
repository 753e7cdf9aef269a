import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { policyDocument } from './iam-policy';

export interface StateBucketStackProps {
  readonly bucket: string;
  readonly region: string;
  readonly tags: Record<string, string>;
}

/** The stack name of the bootstrap stack that creates one state bucket. */
export function stateBucketStackName(bucket: string): string {
  return `ssm-agent-ops-state-${bucket}`;
}

/**
 * The S3 bucket that holds the environments' Terraform state: versioned, encrypted, closed to the
 * public and to plain HTTP. Its own state stays local, because the bucket it would live in does not
 * exist yet; this is the first thing deployed in a new account.
 */
export class StateBucketStack extends TerraformStack {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, props: StateBucketStackProps) {
    super(scope, stateBucketStackName(props.bucket));
    new LocalBackend(this, { path: 'terraform.tfstate' });
    this.addOverride('terraform.required_version', '>= 1.11');
    new AwsProvider(this, 'aws', { region: props.region, defaultTags: [{ tags: props.tags }] });

    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucket });
    new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPolicy(this, 'tls-only', {
      bucket: this.bucket.id,
      policy: policyDocument([
        {
          Sid: 'DenyPlainHttp',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });
    new TerraformOutput(this, 'bucket-name', { value: this.bucket.bucket }).overrideLogicalId('state_bucket');
  }
}
