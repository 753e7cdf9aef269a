import { Construct } from 'constructs';
import { SsmAssociation } from '@cdktf/provider-aws/lib/ssm-association';
import type { AssociationSettings, CloudWatchAgentUpdateSettings, EnvironmentSettings } from '../config/schema';
import { CLOUDWATCH_AGENT_PACKAGE, PACKAGE_DOCUMENT, SSM_AGENT_UPDATE_DOCUMENT } from '../contract/ssm-documents';
import { CloudWatchAgentUpdateDocument } from './cloudwatch-agent-update-document';

export interface AgentUpdateAssociationsProps {
  readonly targets: EnvironmentSettings['updateTargets'];
  readonly ssmAgent: AssociationSettings;
  readonly cloudWatchAgent: CloudWatchAgentUpdateSettings;
  /** Name of the environment's own CloudWatch Agent update document, created when a configuration is named. */
  readonly cloudWatchAgentDocumentName: string;
}

/**
 * State Manager associations that keep the SSM Agent and the CloudWatch Agent of every targeted
 * instance up to date.
 *
 * `wait_for_success_timeout_seconds` is deliberately left unset: with MaxErrors 0% Terraform would
 * fail the apply whenever a single target fails, or when no target is online yet, turning a fleet
 * problem into a blocked deployment. Failures are reported by the failure alerts instead.
 */
export class AgentUpdateAssociations extends Construct {
  readonly ssmAgent: SsmAssociation;
  readonly cloudWatchAgent: SsmAssociation;
  /** Present when the environment names its CloudWatch Agent configuration. */
  readonly cloudWatchAgentDocument?: CloudWatchAgentUpdateDocument;
  /** The documents the associations run, which the failure alerts watch. */
  readonly documents: readonly string[];

  constructor(scope: Construct, id: string, props: AgentUpdateAssociationsProps) {
    super(scope, id);
    const targets = [{ key: `tag:${props.targets.tagKey}`, values: props.targets.tagValues }];
    const { installationType, configurationParameter } = props.cloudWatchAgent;

    this.ssmAgent = new SsmAssociation(this, 'ssm-agent', {
      name: SSM_AGENT_UPDATE_DOCUMENT,
      ...associationSchedule(props.ssmAgent),
      targets,
    });

    if (configurationParameter === undefined) {
      this.cloudWatchAgent = new SsmAssociation(this, 'cloudwatch-agent', {
        name: PACKAGE_DOCUMENT,
        ...associationSchedule(props.cloudWatchAgent),
        targets,
        parameters: { action: 'Install', installationType, name: CLOUDWATCH_AGENT_PACKAGE },
      });
      this.documents = [SSM_AGENT_UPDATE_DOCUMENT, PACKAGE_DOCUMENT];
      return;
    }

    // One command per node runs both the update and the configuration, so a failed step is one
    // failed invocation: one mail, naming the step. Two associations would be two runs in no set order.
    this.cloudWatchAgentDocument = new CloudWatchAgentUpdateDocument(this, 'cloudwatch-agent-document', {
      name: props.cloudWatchAgentDocumentName,
      installationType,
      configurationParameter,
    });
    this.cloudWatchAgent = new SsmAssociation(this, 'cloudwatch-agent', {
      name: this.cloudWatchAgentDocument.document.name,
      // Terraform makes each new version of the content the default; the association follows it.
      documentVersion: '$DEFAULT',
      ...associationSchedule(props.cloudWatchAgent),
      targets,
      parameters: this.cloudWatchAgentDocument.parameters,
    });
    this.documents = [SSM_AGENT_UPDATE_DOCUMENT, props.cloudWatchAgentDocumentName];
  }
}

function associationSchedule(settings: AssociationSettings) {
  return {
    associationName: settings.name,
    scheduleExpression: settings.schedule,
    maxConcurrency: settings.maxConcurrency,
    maxErrors: settings.maxErrors,
    // A cron schedule is a maintenance window: do not run the update the moment it is deployed.
    // State Manager rejects this flag for rate expressions, which run on creation by design.
    applyOnlyAtCronInterval: settings.schedule.startsWith('cron(') ? true : undefined,
  };
}
