import { Construct } from 'constructs';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import {
  AGENT_CONFIGURATION_PLATFORMS,
  CLOUDWATCH_AGENT_MANAGE_DOCUMENT,
  CLOUDWATCH_AGENT_PACKAGE,
  CLOUDWATCH_AGENT_UPDATE_STEPS,
  PACKAGE_INSTALLATION_TYPES,
  SSM_PARAMETER_NAME_PATTERN,
  type AgentConfigurationPlatform,
  type PackageInstallationType,
} from '../contract/ssm-documents';

/** The parameter holding the agent's configuration: one for every platform, or one per platform. */
export type AgentConfigurationParameter = string | Partial<Record<AgentConfigurationPlatform, string>>;

export interface CloudWatchAgentUpdateDocumentProps {
  /** Unique in the account and region; names starting with AWS-, Amazon or amzn are AWS's. */
  readonly name: string;
  readonly installationType: PackageInstallationType;
  readonly configurationParameter: AgentConfigurationParameter;
}

/** One configure step: where it runs, and the document parameter that names its configuration. */
interface ConfigureStep {
  readonly stepName: string;
  readonly documentParameter: string;
  readonly configurationParameter: string;
  /** The `platformType` the step is limited to; every platform when undefined. */
  readonly platformType?: string;
}

function configureSteps(configuration: AgentConfigurationParameter): ConfigureStep[] {
  if (typeof configuration === 'string') {
    return [{ stepName: CLOUDWATCH_AGENT_UPDATE_STEPS.configure, documentParameter: 'configurationParameter', configurationParameter: configuration }];
  }
  return (Object.keys(AGENT_CONFIGURATION_PLATFORMS) as AgentConfigurationPlatform[]).flatMap((platform) => {
    const configurationParameter = configuration[platform];
    if (configurationParameter === undefined) return [];
    return [
      {
        stepName: CLOUDWATCH_AGENT_UPDATE_STEPS.configureOn[platform],
        documentParameter: `${platform}ConfigurationParameter`,
        configurationParameter,
        platformType: AGENT_CONFIGURATION_PLATFORMS[platform],
      },
    ];
  });
}

/**
 * The Command document's content (schema 2.2): the package step, then one step per configuration that
 * runs AmazonCloudWatch-ManageAgent through `aws:runDocument`. Steps run in order and a failed step
 * does not stop the next (no `onFailure`), so the agent is configured and started again even after a
 * failed update, whose rollback may have left it stopped. The values are document parameters with the
 * configured defaults, so the document can also be run by hand with Run Command.
 */
export function cloudWatchAgentUpdateDocumentContent(props: Omit<CloudWatchAgentUpdateDocumentProps, 'name'>): Record<string, unknown> {
  const steps = configureSteps(props.configurationParameter);
  const parameters: Record<string, unknown> = {
    installationType: {
      type: 'String',
      description: 'How the package replaces an installed agent when a newer version is published.',
      allowedValues: [...PACKAGE_INSTALLATION_TYPES],
      default: props.installationType,
    },
  };
  for (const step of steps) {
    parameters[step.documentParameter] = {
      type: 'String',
      description: `The SSM parameter holding the CloudWatch Agent configuration${step.platformType ? ` for ${step.platformType}` : ''}.`,
      allowedPattern: SSM_PARAMETER_NAME_PATTERN,
      default: step.configurationParameter,
    };
  }
  return {
    schemaVersion: '2.2',
    description:
      'ssm-agent-ops: installs the newest CloudWatch Agent, then re-applies its configuration from Parameter Store and (re)starts it, in one run.',
    parameters,
    mainSteps: [
      {
        action: 'aws:configurePackage',
        name: CLOUDWATCH_AGENT_UPDATE_STEPS.updatePackage,
        inputs: { name: CLOUDWATCH_AGENT_PACKAGE, action: 'Install', installationType: '{{ installationType }}' },
      },
      ...steps.map((step) => ({
        action: 'aws:runDocument',
        name: step.stepName,
        ...(step.platformType ? { precondition: { StringEquals: ['platformType', step.platformType] } } : {}),
        inputs: {
          documentType: 'SSMDocument',
          documentPath: CLOUDWATCH_AGENT_MANAGE_DOCUMENT,
          documentParameters: {
            action: 'configure',
            mode: 'ec2',
            optionalConfigurationSource: 'ssm',
            optionalConfigurationLocation: `{{ ${step.documentParameter} }}`,
            optionalRestart: 'yes',
          },
        },
      })),
    ],
  };
}

/** The values an association passes to the document: the settings, as the document's parameters. */
export function cloudWatchAgentUpdateDocumentParameters(props: Omit<CloudWatchAgentUpdateDocumentProps, 'name'>): Record<string, string> {
  return {
    installationType: props.installationType,
    ...Object.fromEntries(configureSteps(props.configurationParameter).map((step) => [step.documentParameter, step.configurationParameter])),
  };
}

/**
 * The environment's own Command document that updates the CloudWatch Agent and re-applies its
 * configuration in the same run, so that each node has one command whose failed step Run Command
 * reports by name.
 */
export class CloudWatchAgentUpdateDocument extends Construct {
  readonly document: SsmDocument;
  /** What the association passes to the document. */
  readonly parameters: Record<string, string>;

  constructor(scope: Construct, id: string, props: CloudWatchAgentUpdateDocumentProps) {
    super(scope, id);
    this.document = new SsmDocument(this, 'document', {
      name: props.name,
      documentType: 'Command',
      documentFormat: 'JSON',
      content: JSON.stringify(cloudWatchAgentUpdateDocumentContent(props), null, 2),
    });
    this.parameters = cloudWatchAgentUpdateDocumentParameters(props);
  }
}
