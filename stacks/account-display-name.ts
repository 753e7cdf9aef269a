import { Construct } from 'constructs';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { EnvironmentSettings } from '../config/schema';
import { arn, serviceHost, type AwsLocation } from './aws-arn';
import type { PolicyHolder } from './iam-policy';

export interface AccountDisplayNameProps {
  readonly settings: EnvironmentSettings['accountDisplayName'];
  readonly location: AwsLocation;
}

/**
 * The SSM parameter holding the account's human name used in mails: created from the settings, or an
 * existing parameter referenced by name (read at run time, so nothing is looked up at plan time).
 */
export class AccountDisplayName extends Construct {
  readonly parameterName: string;
  readonly parameterArn: string;
  /** An existing parameter may be a SecureString, whose reader needs its KMS key; the stack creates a String. */
  readonly maybeSecureString: boolean;
  private readonly location: AwsLocation;

  constructor(scope: Construct, id: string, props: AccountDisplayNameProps) {
    super(scope, id);
    this.location = props.location;
    this.parameterName = props.settings.parameterName;
    this.parameterArn = arn(props.location, 'ssm', `parameter${props.settings.parameterName}`);
    this.maybeSecureString = !props.settings.create;
    if (props.settings.create) {
      new SsmParameter(this, 'parameter', {
        name: props.settings.parameterName,
        type: 'String',
        value: props.settings.value,
        description: 'Account display name used in ssm-agent-ops alert mails',
      });
    }
  }

  /**
   * Lets a function read the parameter. For a parameter that may be a SecureString it may also
   * decrypt, but only this parameter's value and only through Parameter Store: SSM asks KMS with the
   * parameter's ARN as encryption context. Which key encrypts it is not known offline, so any key of
   * the account and region qualifies.
   */
  grantRead(fn: PolicyHolder): void {
    fn.addToRolePolicy({ Sid: 'ReadAccountDisplayName', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: this.parameterArn });
    if (!this.maybeSecureString) return;
    fn.addToRolePolicy({
      Sid: 'DecryptAccountDisplayName',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: arn(this.location, 'kms', 'key/*'),
      Condition: {
        StringEquals: {
          'kms:ViaService': serviceHost(this.location, 'ssm'),
          'kms:EncryptionContext:PARAMETER_ARN': this.parameterArn,
        },
      },
    });
  }
}
