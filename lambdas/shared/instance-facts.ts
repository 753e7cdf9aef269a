import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { forEachLimited } from './run-deadline';

/** What EC2 says about one instance now, as far as judging its agent's connection needs. */
export interface InstanceFacts {
  instanceId: string;
  /** `pending`, `running`, `stopping`, `stopped`, `shutting-down` or `terminated`. */
  state: string;
  /** When the instance was last started: EC2 moves it at every start. */
  launchedAt?: Date;
  name?: string;
  platform?: string;
  tags: Record<string, string>;
}

/**
 * Values of the `instance-id` filter per DescribeInstances call: EC2 takes at most 200 filter values
 * in one call. A filter (unlike the InstanceIds parameter) leaves out an ID EC2 no longer knows
 * instead of failing the whole call.
 */
export const IDS_PER_DESCRIBE = 200;
/** DescribeInstances pages (MaxResults 5-1000, allowed with filters). */
const INSTANCES_PER_PAGE = 1000;

/**
 * The instances with these IDs that EC2 still knows (a terminated instance is listed for about an hour,
 * then not at all), `concurrency` calls at a time. Any error fails the read.
 */
export async function readInstanceFacts(ec2: EC2Client, ids: readonly string[], options: { concurrency: number; signal?: AbortSignal }): Promise<{ facts: Map<string, InstanceFacts>; calls: number }> {
  const facts = new Map<string, InstanceFacts>();
  let calls = 0;
  const slices: string[][] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_DESCRIBE) slices.push(ids.slice(start, start + IDS_PER_DESCRIBE));
  await forEachLimited(slices, options.concurrency, async (slice) => {
    let token: string | undefined;
    do {
      calls += 1;
      const page = await ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: slice }], MaxResults: INSTANCES_PER_PAGE, NextToken: token }),
        { abortSignal: options.signal },
      );
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          const described = factsOf(instance);
          if (described) facts.set(described.instanceId, described);
        }
      }
      token = page.NextToken;
    } while (token);
  });
  return { facts, calls };
}

function factsOf(instance: Instance): InstanceFacts | undefined {
  if (!instance.InstanceId || !instance.State?.Name) return undefined;
  const tags: Record<string, string> = {};
  let name: string | undefined;
  for (const tag of instance.Tags ?? []) {
    if (tag.Key === undefined) continue;
    if (tag.Key === 'Name') name = tag.Value;
    tags[tag.Key] = tag.Value ?? '';
  }
  return { instanceId: instance.InstanceId, state: instance.State.Name, launchedAt: instance.LaunchTime, name, platform: instance.PlatformDetails, tags };
}

/** Whether a managed node is an EC2 instance (hybrid nodes are `mi-…`). */
export function isEc2InstanceId(id: string): boolean {
  return id.startsWith('i-');
}
