import { DescribeTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { logger } from '../shared/powertools';
import { errorName, isAccessDenied } from '../shared/sdk';
import type { NodeDetails } from './agent-alarm-mail';
import type { StepOutput } from './failure-mail';

/**
 * Lookups that add to a failure mail what the event lacks. Each one degrades instead of failing: a
 * mail without the Name tag or the error output is still worth sending, so no lookup error blocks it.
 */

const FAILED_STEP_STATUSES = new Set(['Failed', 'TimedOut', 'Cancelled']);
/** How far around an association event's execution date to look for the execution it reports. */
const EXECUTION_MATCH_WINDOW_MS = 10 * 60 * 1000;

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

/** The instance's Name tag; undefined for managed nodes outside EC2 and when it cannot be read. */
export async function readInstanceName(ec2: EC2Client, instanceId: string): Promise<string | undefined> {
  if (!instanceId.startsWith('i-')) return undefined;
  try {
    const described = await ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-id', Values: [instanceId] },
          { Name: 'key', Values: ['Name'] },
        ],
      }),
    );
    return described.Tags?.[0]?.Value;
  } catch (error) {
    logger.warn('Could not read the Name tag; mailing without it', { instanceId, error: errorName(error) });
    return undefined;
  }
}

/**
 * The Run Command command behind one instance's run of an association, found through the
 * association's executions and their targets. Undefined when it cannot be identified.
 */
export async function findAssociationCommand(
  ssm: SSMClient,
  associationId: string,
  instanceId: string,
  executedAt: Date,
): Promise<string | undefined> {
  try {
    const executions = await ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: associationId,
        Filters: [
          { Key: 'CreatedTime', Type: 'GREATER_THAN', Value: new Date(executedAt.getTime() - EXECUTION_MATCH_WINDOW_MS).toISOString() },
        ],
      }),
    );
    const candidates = (executions.AssociationExecutions ?? [])
      .filter((execution) => execution.ExecutionId && execution.CreatedTime)
      .filter((execution) => execution.CreatedTime!.getTime() <= executedAt.getTime() + EXECUTION_MATCH_WINDOW_MS)
      .sort((a, b) => distance(a.CreatedTime!, executedAt) - distance(b.CreatedTime!, executedAt));
    for (const execution of candidates) {
      const targets = await ssm.send(
        new DescribeAssociationExecutionTargetsCommand({
          AssociationId: associationId,
          ExecutionId: execution.ExecutionId,
          Filters: [{ Key: 'ResourceId', Value: instanceId }],
        }),
      );
      const command = targets.AssociationExecutionTargets?.find((target) => target.OutputSource?.OutputSourceType === 'RunCommand');
      if (command?.OutputSource?.OutputSourceId) return command.OutputSource.OutputSourceId;
    }
    logger.warn('No command found for the association run', { associationId, instanceId, executedAt: executedAt.toISOString() });
  } catch (error) {
    logger.warn('Could not look up the association run', { associationId, instanceId, error: errorName(error) });
  }
  return undefined;
}

function distance(a: Date, b: Date): number {
  return Math.abs(a.getTime() - b.getTime());
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
