import { Construct } from 'constructs';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { EnvironmentSettings } from '../config/schema';
import { arn, type AwsLocation } from './aws-arn';

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

  constructor(scope: Construct, id: string, props: AccountDisplayNameProps) {
    super(scope, id);
    this.parameterName = props.settings.parameterName;
    this.parameterArn = arn(props.location, 'ssm', `parameter${props.settings.parameterName}`);
    if (props.settings.create) {
      new SsmParameter(this, 'parameter', {
        name: props.settings.parameterName,
        type: 'String',
        value: props.settings.value,
        description: 'Account display name used in ssm-agent-ops alert mails',
      });
    }
  }
}
