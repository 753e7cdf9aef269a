import { GetResourcesCommand, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DescribeAssociationExecutionsCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { regionFacts } from '../../contract/aws-partitions';
import { logger } from '../shared/powertools';
import { errorName, isAccessDenied } from '../shared/sdk';
import type { NodeDetails } from './agent-alarm-mail';
import type { StepOutput } from './failure-mail';

/**
 * Lookups that add to a mail what the event lacks. None of them decides which mail an event belongs to
 * (run-link.ts does), so each one degrades instead of failing: a mail without the Name tag or the
 * error output is still worth sending, and it says what is missing.
 */

const FAILED_STEP_STATUSES = new Set(['Failed', 'TimedOut', 'Cancelled']);
/** How far before an association event's execution date to look for the run it reports. */
const EXECUTION_MATCH_WINDOW_MS = 10 * 60 * 1000;
/** The event's date is cut to the second, the run's creation date is not. */
const EXECUTION_CLOCK_SLACK_MS = 60 * 1000;

/** The output of the failed step of one command on one instance, or why it cannot be shown. */
export async function readStepOutput(ssm: SSMClient, commandId: string, instanceId: string): Promise<StepOutput> {
  try {
    return outputOf(await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })));
  } catch (error) {
    // Documents with several steps need the step named; find the one that failed.
    if (errorName(error) === 'InvalidPluginName') return readFailedStepOutput(ssm, commandId, instanceId);
    return unavailableOutput(error, { commandId, instanceId });
  }
}

async function readFailedStepOutput(ssm: SSMClient, commandId: string, instanceId: string): Promise<StepOutput> {
  try {
    const listed = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, InstanceId: instanceId, Details: true }));
    const plugins = listed.CommandInvocations?.[0]?.CommandPlugins ?? [];
    const failed = plugins.find((plugin) => FAILED_STEP_STATUSES.has(plugin.Status ?? '')) ?? plugins[plugins.length - 1];
    if (!failed?.Name) return { kind: 'empty' };
    return outputOf(
      await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId, PluginName: failed.Name })),
    );
  } catch (error) {
    return unavailableOutput(error, { commandId, instanceId });
  }
}

function outputOf(invocation: GetCommandInvocationCommandOutput): StepOutput {
  const text = [invocation.StandardErrorContent, invocation.StandardOutputContent].find((part) => part && part.trim() !== '');
  if (!text) return { kind: 'empty' };
  return { kind: 'found', text, stepName: invocation.PluginName };
}

function unavailableOutput(error: unknown, context: Record<string, string>): StepOutput {
  logger.warn('Could not read the command output; mailing without it', { ...context, error: errorName(error) });
  if (isAccessDenied(error)) return { kind: 'unavailable', reason: 'denied' };
  if (errorName(error) === 'InvocationDoesNotExist' || errorName(error) === 'InvalidCommandId') {
    return { kind: 'unavailable', reason: 'not-found' };
  }
  return { kind: 'unavailable', reason: 'error' };
}

/** The package an AWS-ConfigureAWSPackage command installed (its `name` parameter). */
export async function readPackageName(ssm: SSMClient, commandId: string): Promise<string | undefined> {
  try {
    const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    return listed.Commands?.[0]?.Parameters?.name?.[0];
  } catch (error) {
    logger.warn('Could not read the command parameters; mailing without the package name', { commandId, error: errorName(error) });
    return undefined;
  }
}

/** The EC2 instance whose Name tag is read: its ID, and the account and region that the event names. */
export interface InstanceLocation {
  instanceId: string;
  account: string;
  region: string;
}

/**
 * The instance's Name tag, through the Resource Groups Tagging API (one call, and a client a fraction
 * of the EC2 client's size). Undefined for managed nodes outside EC2 and when it cannot be read: a mail
 * without the name is still worth sending, so no error here blocks one.
 */
export async function readInstanceName(tagging: ResourceGroupsTaggingAPIClient, instance: InstanceLocation): Promise<string | undefined> {
  const { instanceId, account, region } = instance;
  if (!instanceId.startsWith('i-')) return undefined;
  const instanceArn = `arn:${regionFacts(region).partition}:ec2:${region}:${account}:instance/${instanceId}`;
  try {
    const found = await tagging.send(new GetResourcesCommand({ ResourceARNList: [instanceArn] }));
    const mapping = found.ResourceTagMappingList?.find((resource) => resource.ResourceARN === instanceArn);
    return mapping?.Tags?.find((tag) => tag.Key === 'Name')?.Value;
  } catch (error) {
    logger.warn('Could not read the Name tag; mailing without it', { instanceId, error: errorName(error) });
    return undefined;
  }
}

/** What DescribeAssociationExecutions tells about one run of an association. */
export interface AssociationExecutionDetails {
  executionId: string;
  status?: string;
  detailedStatus?: string;
  /** Nodes by status, from `ResourceCountByStatus` (`{Failed=1, Success=1}`). */
  nodeCounts?: Record<string, number>;
}

/**
 * The run of an association that started at `executedAt` (the event's `last-execution-date`): the
 * newest run created by then. Undefined when it cannot be read; the mail then goes out with what the
 * event says, because nothing about which mail it is depends on it.
 */
export async function readAssociationExecution(ssm: SSMClient, associationId: string, executedAt: Date): Promise<AssociationExecutionDetails | undefined> {
  try {
    const listed = await ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: associationId,
        Filters: [{ Key: 'CreatedTime', Type: 'GREATER_THAN', Value: new Date(executedAt.getTime() - EXECUTION_MATCH_WINDOW_MS).toISOString() }],
        MaxResults: 50,
      }),
    );
    const latest = executedAt.getTime() + EXECUTION_CLOCK_SLACK_MS;
    const execution = (listed.AssociationExecutions ?? [])
      .filter((candidate) => candidate.ExecutionId && candidate.CreatedTime && candidate.CreatedTime.getTime() <= latest)
      .sort((a, b) => b.CreatedTime!.getTime() - a.CreatedTime!.getTime())[0];
    if (!execution) return undefined;
    return {
      executionId: execution.ExecutionId!,
      status: execution.Status,
      detailedStatus: execution.DetailedStatus,
      nodeCounts: execution.ResourceCountByStatus === undefined ? undefined : parseResourceCounts(execution.ResourceCountByStatus),
    };
  } catch (error) {
    logger.warn('Could not read the association run; mailing what the event says', { associationId, error: errorName(error) });
    return undefined;
  }
}

/** `{Failed=1, Success=1}` (as DescribeAssociationExecutions writes it) or JSON as counts; undefined when unreadable. */
export function parseResourceCounts(text: string): Record<string, number> | undefined {
  const trimmed = text.trim();
  if (!/^\{.*\}$/s.test(trimmed)) return undefined;
  const counts: Record<string, number> = {};
  for (const match of trimmed.slice(1, -1).matchAll(/"?([A-Za-z]+)"?\s*[=:]\s*(\d+)/g)) counts[match[1]!] = Number(match[2]);
  return counts;
}

/** What Systems Manager knows about one managed node; undefined when it is gone or cannot be read. */
export async function readNodeDetails(ssm: SSMClient, instanceId: string): Promise<NodeDetails | undefined> {
  try {
    const described = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }));
    const info = described.InstanceInformationList?.[0];
    if (!info) return undefined;
    return {
      pingStatus: info.PingStatus,
      platformType: info.PlatformType,
      platformName: info.PlatformName,
      platformVersion: info.PlatformVersion,
      agentVersion: info.AgentVersion,
      lastPingAt: info.LastPingDateTime,
      computerName: info.ComputerName,
      ipAddress: info.IPAddress,
    };
  } catch (error) {
    logger.warn('Could not read the node details; mailing without them', { instanceId, error: errorName(error) });
    return undefined;
  }
}
