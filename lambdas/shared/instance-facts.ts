import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { readIdSlices } from './id-slices';
import { errorName } from './sdk';

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
 * Instance IDs per DescribeInstances call. The IDs are named (InstanceIds), so EC2 looks them up
 * rather than filtering the account's instances page by page, as a filter may; the API reference
 * states no maximum for InstanceIds, and 100 is what DescribeInstanceStatus documents for the same list.
 */
export const IDS_PER_DESCRIBE = 100;
/** Errors that name an ID EC2 does not know (gone for more than about an hour, or never existed). */
const UNKNOWN_ID_ERRORS = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);

/**
 * The instances with these IDs that EC2 still knows (a terminated instance is listed for about an hour,
 * then not at all), `concurrency` calls at a time. EC2 fails a whole call for one unknown ID: such a
 * call is split in halves until the unknown ID stands alone, and that ID is left out. Any other error
 * fails the read.
 */
export async function readInstanceFacts(ec2: EC2Client, ids: readonly string[], options: { concurrency: number; signal?: AbortSignal }): Promise<{ facts: Map<string, InstanceFacts>; calls: number }> {
  const facts = new Map<string, InstanceFacts>();
  const slicing = { sliceSize: IDS_PER_DESCRIBE, concurrency: options.concurrency, isUnknownId: (error: unknown) => UNKNOWN_ID_ERRORS.has(errorName(error)) };
  const calls = await readIdSlices(ids, slicing, async (slice, token) => {
    const page = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...slice], NextToken: token }), { abortSignal: options.signal });
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        const described = factsOf(instance);
        if (described) facts.set(described.instanceId, described);
      }
    }
    return page.NextToken;
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
