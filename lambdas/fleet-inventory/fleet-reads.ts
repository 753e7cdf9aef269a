import { DescribeAlarmsCommand, type CloudWatchClient, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, type EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { instanceIdOfAlarm, type AgentAlarmSettings } from '../shared/agent-alarm';
import { readPages, type NodeStatus } from '../shared/managed-nodes';
import { forEachLimited, type Deadline } from '../shared/run-deadline';
import type { TokenBucket } from '../shared/token-bucket';
import type { Ec2Instance, ScopeTag } from './fleet-book';

/** DescribeInstances pages hold up to 1,000 instances (MaxResults 5-1000, not allowed with InstanceIds). */
const INSTANCES_PER_PAGE = 1000;
/** DescribeAlarms pages hold up to 100 alarms. */
const ALARMS_PER_PAGE = 100;
/** Instances that exist for the product: terminated and shutting-down ones have left. */
const PRESENT_STATES = ['pending', 'running', 'stopping', 'stopped'];

export interface Listing<T> {
  items: T[];
  /** False when the read stopped before its last page: then nothing may be concluded from what is missing. */
  complete: boolean;
  calls: number;
}

/**
 * Every EC2 instance that has not terminated (only those with the scope tag, when scoped), with the
 * facts the product keeps: state, last launch, Name, platform, the tags it reads, instance profile
 * and metadata endpoint.
 */
export async function listEc2Instances(ec2: EC2Client, scope: ScopeTag, trackedTagKeys: readonly string[], deadline: Deadline): Promise<Listing<Ec2Instance>> {
  const filters: Filter[] = [{ Name: 'instance-state-name', Values: PRESENT_STATES }];
  if (scope) filters.push({ Name: `tag:${scope.key}`, Values: [...scope.values] });
  const items: Ec2Instance[] = [];
  let token: string | undefined;
  let calls = 0;
  do {
    if (deadline.passed) return { items, complete: false, calls };
    const page = await cutShort(deadline, () => ec2.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: INSTANCES_PER_PAGE, NextToken: token }), { abortSignal: deadline.signal }));
    if (!page) return { items, complete: false, calls };
    calls += 1;
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        const described = describeInstance(instance, trackedTagKeys);
        if (described) items.push(described);
      }
    }
    token = page.NextToken;
  } while (token);
  return { items, complete: true, calls };
}

function describeInstance(instance: Instance, trackedTagKeys: readonly string[]): Ec2Instance | undefined {
  if (!instance.InstanceId || !instance.State?.Name) return undefined;
  const tags: Record<string, string> = {};
  let name: string | undefined;
  for (const tag of instance.Tags ?? []) {
    if (tag.Key === 'Name') name = tag.Value;
    else if (tag.Key !== undefined && trackedTagKeys.includes(tag.Key)) tags[tag.Key] = tag.Value ?? '';
  }
  return {
    instanceId: instance.InstanceId,
    state: instance.State.Name,
    launchedAt: instance.LaunchTime?.toISOString(),
    name,
    platform: instance.PlatformDetails,
    tags,
    profile: instance.IamInstanceProfile?.Arn,
    imds: instance.MetadataOptions?.HttpEndpoint,
  };
}

/** Every hybrid managed node (`mi-…`) with its ping status. */
export async function listHybridNodes(ssm: SSMClient, deadline: Deadline): Promise<Listing<NodeStatus>> {
  const read = await readPages(ssm, [{ Key: 'ResourceType', Values: ['ManagedInstance'] }], { signal: deadline.signal });
  return { items: read.nodes, complete: read.complete, calls: read.pages };
}

/** The tags of hybrid nodes (Systems Manager keeps them; EC2 does not know these nodes). */
export async function readHybridTags(ssm: SSMClient, ids: readonly string[], trackedTagKeys: readonly string[], deadline: Deadline, concurrency: number): Promise<Map<string, Record<string, string>>> {
  const tags = new Map<string, Record<string, string>>();
  await forEachLimited(ids, concurrency, async (id) => {
    if (deadline.passed) return;
    const listed = await cutShort(deadline, () => ssm.send(new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: id }), { abortSignal: deadline.signal }));
    if (!listed) return;
    const kept: Record<string, string> = {};
    for (const tag of listed.TagList ?? []) if (tag.Key !== undefined && trackedTagKeys.includes(tag.Key)) kept[tag.Key] = tag.Value ?? '';
    tags.set(id, kept);
  });
  return tags;
}

/**
 * Every alarm of the product (by name prefix), by the node it watches, paced under the account's
 * DescribeAlarms quota. Incomplete when the deadline comes first.
 */
export async function readAgentAlarms(cloudwatch: CloudWatchClient, settings: AgentAlarmSettings, pace: TokenBucket, deadline: Deadline): Promise<Listing<[string, MetricAlarm]>> {
  const items: [string, MetricAlarm][] = [];
  let token: string | undefined;
  let calls = 0;
  do {
    if (!(await pace.take(deadline.at))) return { items, complete: false, calls };
    const page = await cutShort(deadline, () =>
      cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNamePrefix: settings.alarmNamePrefix, AlarmTypes: ['MetricAlarm'], MaxRecords: ALARMS_PER_PAGE, NextToken: token }),
        { abortSignal: deadline.signal },
      ),
    );
    if (!page) return { items, complete: false, calls };
    calls += 1;
    for (const alarm of page.MetricAlarms ?? []) {
      const id = alarm.AlarmName ? instanceIdOfAlarm(alarm.AlarmName, settings) : undefined;
      if (id) items.push([id, alarm]);
    }
    token = page.NextToken;
  } while (token);
  return { items, complete: true, calls };
}

/** The call's answer, or undefined when the deadline cancelled it; any other failure is thrown. */
export async function cutShort<T>(deadline: Deadline, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (deadline.signal.aborted) return undefined;
    throw error;
  }
}
