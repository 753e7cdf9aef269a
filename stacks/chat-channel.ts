import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ChatbotSlackChannelConfiguration } from '@cdktf/provider-aws/lib/chatbot-slack-channel-configuration';
import { ChatbotTeamsChannelConfiguration } from '@cdktf/provider-aws/lib/chatbot-teams-channel-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { DeployRoleSettings } from '../config/schema';
import type { ChatConfigurationRegion } from '../contract/chat';
import type { AwsLocation } from './aws-arn';
import { policyDocument } from './iam-policy';

/** The channel a chat configuration delivers to: a Slack channel, or a Microsoft Teams channel. */
export type ChatChannelTarget =
  | { readonly slack: { readonly workspaceId: string; readonly channelId: string } }
  | { readonly teams: { readonly teamId: string; readonly channelId: string; readonly tenantId: string } };

export type ChatChannelProps = ChatChannelTarget & {
  readonly configurationName: string;
  readonly roleName: string;
  /** The chat topic the channel subscribes to. */
  readonly topicArn: string;
  /** The environment's account and Region; the configuration itself is created in `configurationRegion`. */
  readonly location: AwsLocation;
  readonly configurationRegion: ChatConfigurationRegion;
  /** What channel members may do through the channel at most; AWSDenyAll when absent. */
  readonly guardrailPolicyArns?: readonly string[];
  /** Tags of every resource, as the environment's provider applies them. */
  readonly tags: Readonly<Record<string, string>>;
  /** The role the environment's providers assume; this provider assumes it too. */
  readonly deployRole?: DeployRoleSettings;
};

/** What channel members may do through a notification-only channel: nothing. */
export const DENY_ALL_POLICY = 'AWSDenyAll';

/**
 * A Slack or Microsoft Teams channel configuration of Amazon Q Developer in chat applications,
 * subscribed to the chat topic. The configuration API is served from four Regions only, so the
 * configuration is created through a provider for one of them; the topic stays in the environment's
 * Region.
 *
 * The channel delivers notifications and nothing else: its role (trusted by the chat service) has no
 * permissions, the guardrail caps every member at AWSDenyAll unless other policies are configured
 * (the provider's default would be AdministratorAccess), and members who run commands must use their
 * own IAM role.
 */
export class ChatChannel extends Construct {
  readonly configurationArn: string;

  constructor(scope: Construct, id: string, props: ChatChannelProps) {
    super(scope, id);
    const { location } = props;
    const provider = new AwsProvider(this, 'provider', {
      alias: 'chat',
      region: props.configurationRegion,
      allowedAccountIds: [location.accountId],
      ...(props.deployRole
        ? { assumeRole: [{ roleArn: props.deployRole.roleArn, externalId: props.deployRole.externalId, sessionName: props.deployRole.sessionName }] }
        : {}),
      defaultTags: [{ tags: { ...props.tags } }],
    });

    const role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Channel role of the ssm-agent-ops chat configuration: notifications only, no permissions',
      assumeRolePolicy: policyDocument([{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    });

    const common = {
      provider,
      configurationName: props.configurationName,
      iamRoleArn: role.arn,
      snsTopicArns: [props.topicArn],
      guardrailPolicyArns: [...(props.guardrailPolicyArns ?? [awsManagedPolicyArn(location, DENY_ALL_POLICY)])],
      loggingLevel: 'ERROR',
      userAuthorizationRequired: true,
    };
    this.configurationArn =
      'slack' in props
        ? new ChatbotSlackChannelConfiguration(this, 'slack', { ...common, slackTeamId: props.slack.workspaceId, slackChannelId: props.slack.channelId })
            .chatConfigurationArn
        : new ChatbotTeamsChannelConfiguration(this, 'teams', {
            ...common,
            teamId: props.teams.teamId,
            channelId: props.teams.channelId,
            tenantId: props.teams.tenantId,
          }).chatConfigurationArn;

    new TerraformOutput(this, 'configuration-arn', {
      value: this.configurationArn,
      description: `ARN of the chat channel configuration (in ${props.configurationRegion})`,
    }).overrideLogicalId('chat_configuration_arn');
  }
}

/** An AWS managed policy's ARN in the location's partition: such ARNs name the account `aws`. */
function awsManagedPolicyArn(location: AwsLocation, name: string): string {
  return `arn:${location.partition}:iam::aws:policy/${name}`;
}
