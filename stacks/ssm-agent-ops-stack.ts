import { Construct } from 'constructs';
import { S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentSettings } from '../config/schema';
import { AccountDisplayName } from './account-display-name';
import { AgentUpdateAssociations } from './agent-update-associations';
import { AlertTopic } from './alert-topic';
import { partitionOf, type AwsLocation } from './aws-arn';

export interface SsmAgentOpsStackProps {
  readonly settings: EnvironmentSettings;
  /** Directory holding one esbuild bundle per Lambda (`<dir>/<function>/index.js`). */
  readonly bundlesDir: string;
}

/** The stack name of an environment, also the directory under `cdktf.out/stacks/`. */
export function stackName(environment: string): string {
  return `ssm-agent-ops-${environment}`;
}

/** Everything ssm-agent-ops deploys into one environment (one AWS account and region). */
export class SsmAgentOpsStack extends TerraformStack {
  readonly location: AwsLocation;
  readonly alertTopic: AlertTopic;
  readonly accountDisplayName: AccountDisplayName;
  readonly agentUpdates: AgentUpdateAssociations;

  constructor(scope: Construct, props: SsmAgentOpsStackProps) {
    const { settings } = props;
    const name = stackName(settings.name);
    super(scope, name);

    this.location = { partition: partitionOf(settings.region), region: settings.region, accountId: settings.accountId };

    new AwsProvider(this, 'aws', {
      region: settings.region,
      allowedAccountIds: [settings.accountId],
      defaultTags: [{ tags: settings.tags }],
    });
    new S3Backend(this, {
      bucket: settings.state.bucket,
      key: `ssm-agent-ops/${settings.name}/terraform.tfstate`,
      region: settings.state.region,
      encrypt: true,
    });
    // S3-native locking needs Terraform 1.11; cdktf 0.21 has no typed option for it yet.
    this.addOverride('terraform.backend.s3.use_lockfile', true);
    this.addOverride('terraform.required_version', '>= 1.11');

    this.agentUpdates = new AgentUpdateAssociations(this, 'agent-updates', {
      targets: settings.updateTargets,
      ssmAgent: settings.ssmAgentUpdate,
      cloudWatchAgent: settings.cloudWatchAgentUpdate,
    });
    this.alertTopic = new AlertTopic(this, 'alert-topic', {
      topicName: settings.alerts.topicName,
      emails: settings.alerts.emails,
      location: this.location,
      resourceNamePrefix: name,
    });
    this.accountDisplayName = new AccountDisplayName(this, 'account-display-name', {
      settings: settings.accountDisplayName,
      location: this.location,
    });
  }
}
