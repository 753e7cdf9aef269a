import {
  DescribeInstanceInformationCommand,
  type InstanceInformation,
  type InstanceInformationStringFilter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { errorName } from './sdk';
import { readIdSlices } from './id-slices';

/** What DescribeInstanceInformation says about one managed node. */
export interface NodeStatus {
  instanceId: string;
  /** As AWS reports it; any value AWS may add passes through unchanged. */
  pingStatus: string;
  resourceType?: string;
  platformType?: string;
  platformName?: string;
  agentVersion?: string;
  lastPingAt?: Date;
}

/** DescribeInstanceInformation returns at most 50 nodes a page (MaxResults 5-50). */
export const NODES_PER_PAGE = 50;
/**
 * IDs per InstanceIds query. The filter takes up to 100 values, but a page holds 50: with 50 the
 * answer always fits one page, whether the service looks the IDs up or scans them 50 at a time.
 */
export const IDS_PER_QUERY = 50;

/** The node statuses the watch reads every minute: everything a filter can ask for that is not online. */
export const NOT_ONLINE_STATUSES = ['ConnectionLost', 'Inactive'] as const;

export function nodeStatusOf(info: InstanceInformation): NodeStatus | undefined {
  if (!info.InstanceId) return undefined;
  return {
    instanceId: info.InstanceId,
    // A missing status is not a status AWS documents: treated like any unknown one.
    pingStatus: info.PingStatus ?? 'Unknown',
    resourceType: info.ResourceType,
    platformType: info.PlatformType,
    platformName: info.PlatformName,
    agentVersion: info.AgentVersion,
    lastPingAt: info.LastPingDateTime,
  };
}

export interface PagedRead {
  nodes: NodeStatus[];
  /** False when the read stopped before the last page (its deadline, or `stopWhen`). */
  complete: boolean;
  pages: number;
  /** Where an incomplete read stopped, to continue it with `startToken`. */
  nextToken?: string;
}

/**
 * Reads every page of a filtered DescribeInstanceInformation in order. `stopWhen` sees each page that
 * has a next one and may end the read there (for example when pages come back nearly empty); reading
 * also ends when `signal` aborts, with `complete: false` rather than an error.
 */
export async function readPages(
  ssm: SSMClient,
  filters: InstanceInformationStringFilter[],
  options: { signal?: AbortSignal; startToken?: string; stopWhen?: (page: { size: number; pages: number }) => boolean } = {},
): Promise<PagedRead> {
  const nodes: NodeStatus[] = [];
  let token = options.startToken;
  let pages = 0;
  do {
    if (options.signal?.aborted) return { nodes, complete: false, pages, nextToken: token };
    let page;
    try {
      page = await ssm.send(new DescribeInstanceInformationCommand({ Filters: filters, MaxResults: NODES_PER_PAGE, NextToken: token }), { abortSignal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) return { nodes, complete: false, pages, nextToken: token };
      throw error;
    }
    pages += 1;
    const list = page.InstanceInformationList ?? [];
    for (const info of list) {
      const status = nodeStatusOf(info);
      if (status) nodes.push(status);
    }
    token = page.NextToken;
    if (token && options.stopWhen?.({ size: list.length, pages })) return { nodes, complete: false, pages, nextToken: token };
  } while (token);
  return { nodes, complete: true, pages };
}

export interface IdRead {
  /** The nodes found, by instance ID. */
  found: Map<string, NodeStatus>;
  /** IDs Systems Manager does not know as managed nodes (or, with a status filter, that did not match it). */
  notFound: string[];
  calls: number;
}

/**
 * Reads the given nodes by ID, `IDS_PER_QUERY` to a call, `concurrency` calls in flight, each call
 * combined with `filters` (for example a PingStatus filter). AWS documents `InvalidInstanceId` for
 * IDs that are not valid managed nodes; whether a deregistered or terminated ID in the filter raises
 * it is not documented, so a query it fails is split in halves until the offending ID stands alone,
 * and that ID counts as not found. Any other error fails the read.
 */
export async function readByIds(
  ssm: SSMClient,
  ids: readonly string[],
  options: { filters?: InstanceInformationStringFilter[]; concurrency: number; signal?: AbortSignal },
): Promise<IdRead> {
  const found = new Map<string, NodeStatus>();
  // An ID Systems Manager refuses is not a managed node.
  const slicing = { sliceSize: IDS_PER_QUERY, concurrency: options.concurrency, isUnknownId: (error: unknown) => errorName(error) === 'InvalidInstanceId' };
  const calls = await readIdSlices(ids, slicing, async (slice, token) => {
    const page = await ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: [...slice] }, ...(options.filters ?? [])],
        MaxResults: NODES_PER_PAGE,
        NextToken: token,
      }),
      { abortSignal: options.signal },
    );
    for (const info of page.InstanceInformationList ?? []) {
      const status = nodeStatusOf(info);
      if (status) found.set(status.instanceId, status);
    }
    return page.NextToken;
  });
  return { found, notFound: ids.filter((id) => !found.has(id)), calls };
}
