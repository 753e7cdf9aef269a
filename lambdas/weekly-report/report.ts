import type { Context } from 'aws-lambda';
import { ListMetricsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  ListAssociationsCommand,
  paginateDescribeInstanceInformation,
  type AssociationExecutionTargetsFilter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INSTANCE_ID_DIMENSION } from '../../contract/agent-metrics';
import type { Spoke } from '../../contract/spokes';
import type { MailSettings } from '../shared/mail/mail';
import { publishAlert, type AlertDestination } from '../shared/mail/publish';
import { NodeRegistry } from '../shared/node-registry';
import { logger } from '../shared/powertools';
import { errorName } from '../shared/sdk';
import { Deadline, forEachLimited } from '../shared/run-deadline';
import { TokenBucket } from '../shared/token-bucket';
import type { AssociationFacts, AssociationRun, ClassificationSettings, FleetFacts, ManagedNodeInfo, NodeResult } from './fleet-facts';
import { latestFinishedRun, parseResourceCounts, RUN_LOOKBACK_DAYS, statusesToRead, successLookup, TARGETS_PER_PAGE, WEEK_MS } from './gathering-plan';
import { reportRequestOf, stackReportEvents } from './fan-out';
import { renderWeeklyReportMail } from './report-mail';
import { buildFleetReport, nodesToLookUp } from './sections';

export interface WeeklyReportSettings extends MailSettings, AlertDestination, ClassificationSettings {
  registryTable: string;
  ssmAgentAssociationId: string;
  cloudWatchAgentAssociationId: string;
  cloudWatchAgentNamespace: string;
}

/** The clients of one account and Region the report reads, and that account's display name. */
export interface StackClients {
  ssm: SSMClient;
  cloudwatch: CloudWatchClient;
  registry: DynamoDBDocumentClient;
  /** The account's display name, or undefined when it cannot be read (the mail then shows the ID). */
  accountDisplayName: () => Promise<string | undefined>;
}

/** What a hub needs to report its spokes: each in its own invocation, read through its read role. */
export interface SpokeReporting {
  spokes: readonly Spoke[];
  /**
   * The clients of a spoke's account and Region, signing with its read role's credentials; rejects
   * when the role cannot be assumed (denied or not), which fails that spoke's invocation only.
   */
  clientsOf: (spoke: Spoke) => Promise<StackClients>;
  /** Starts the asynchronous invocations of the function, one per covered stack. */
  lambda: LambdaClient;
}

/** What the report needs from the outside world; the handler wires real clients, tests simulations. */
export interface WeeklyReportDependencies extends StackClients {
  sns: SNSClient;
  settings: WeeklyReportSettings;
  /** Absent, or without spokes, in a stack that reports only itself. */
  spokes?: SpokeReporting;
}

/** What one run found, logged and returned. */
export interface WeeklyReportSummary {
  account: string;
  region: string;
  nodes: number;
  managed: number;
  needAttention: number;
  subject: string;
  messageId?: string;
}

/**
 * State Manager's quota for DescribeAssociationExecutions and DescribeAssociationExecutionTargets is
 * 4 calls per second each, per account and Region; the report keeps to 3 of each, so that the
 * notifier (which reads the same to link a failure to its command) still gets through.
 */
export const ASSOCIATION_READS_PER_SECOND = 3;
/** What a hub's scheduled run did: it started one report per covered stack. */
export interface FanOutSummary {
  started: { account: string; region: string }[];
}

/** ListMetrics calls per second: CloudWatch allows 25 per account and Region, shared with every other tool. */
export const LIST_METRICS_PER_SECOND = 10;
/** Parallel registry scans: 50,000 items of 100-300 bytes are about 15 Scan pages of 1 MB. */
const SCAN_SEGMENTS = 4;
/** DescribeInstanceInformation's and DescribeAssociationExecutions' largest pages. */
const NODES_PER_PAGE = 50;
/** The run stops (and fails, for the retry) before Lambda's timeout would cut it off without a word. */
const RUN_SHARE_OF_TIMEOUT = 0.95;

/**
 * The weekly report, bound to its clients. One run reads the node registry, every managed node (50
 * to a call), the instances that published a CloudWatch Agent metric in the last three hours (500
 * metrics to a call), and the two update associations' runs and their results that are not
 * successes (50 nodes to a call, paced to State Manager's quota); it reads no node one by one unless
 * that takes fewer calls than a listing. It then mails one report. Any failed read fails the run
 * before the mail is published, so Lambda's retry sends it; nothing is published twice.
 */
export function createWeeklyReport(dependencies: WeeklyReportDependencies) {
  const { settings } = dependencies;
  const spokes = dependencies.spokes?.spokes ?? [];
  // arn:<partition>:sns:<region>:<account>:<name>: the hub's own stack is the topic's.
  const [, , , ownRegion, ownAccount] = settings.topicArn.split(':') as [string, string, string, string, string];
  const reportStack = reportStackWith(dependencies);

  return async function handler(event: unknown, context: Context): Promise<WeeklyReportSummary | FanOutSummary> {
    logger.addContext(context);
    const request = reportRequestOf(event, spokes);
    if (request.kind === 'schedule' && spokes.length > 0) return fanOut(context);
    const deadline = Deadline.shareOf(context, RUN_SHARE_OF_TIMEOUT);
    try {
      if (request.kind !== 'spoke') {
        const own: StackUnderReport = {
          account: ownAccount,
          region: ownRegion,
          clients: dependencies,
          associationIds: { ssmAgent: settings.ssmAgentAssociationId, cloudWatchAgent: settings.cloudWatchAgentAssociationId },
          settings,
        };
        return await reportStack(own, deadline.signal, spokes.length > 0);
      }
      const { spoke } = request;
      const clients = await dependencies.spokes!.clientsOf(spoke);
      const stack: StackUnderReport = {
        account: spoke.account,
        region: spoke.region,
        clients,
        associationIds: await findUpdateAssociations(clients.ssm, spoke, deadline.signal),
        settings: spoke.report,
      };
      return await reportStack(stack, deadline.signal, true);
    } finally {
      deadline.dispose();
    }
  };

  /**
   * Starts every covered stack's report in an invocation of its own. The scheduled run reports no
   * stack itself: a retry of a run that did would start the spokes' reports again.
   */
  async function fanOut(context: Context): Promise<FanOutSummary> {
    const events = stackReportEvents(spokes);
    const results = await Promise.allSettled(
      events.map((event) =>
        dependencies.spokes!.lambda.send(
          new InvokeCommand({ FunctionName: context.invokedFunctionArn, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(event)) }),
        ),
      ),
    );
    const stackOf = (index: number) => {
      const { stack } = events[index]!;
      return stack === 'own' ? { account: ownAccount, region: ownRegion } : stack;
    };
    const started = results.flatMap((result, index) => (result.status === 'fulfilled' ? [stackOf(index)] : []));
    const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [`${stackOf(index).account} ${stackOf(index).region} (${errorName(result.reason)})`] : []));
    if (failed.length > 0) {
      // Lambda retries this run, which starts every report again: a report twice rather than none.
      throw new Error(`Could not start the weekly report of ${failed.join(', ')}; the run is retried`, { cause: results.find((result) => result.status === 'rejected')?.reason });
    }
    logger.info('Weekly reports started, one invocation per stack', { started });
    return { started };
  }
}

/** One stack the report covers: where it is, how it is read, what it is configured with. */
interface StackUnderReport {
  account: string;
  region: string;
  clients: StackClients;
  associationIds: { ssmAgent: string; cloudWatchAgent: string };
  settings: ClassificationSettings & { registryTable: string; cloudWatchAgentNamespace: string };
}

/**
 * A spoke's two update associations, by the names its settings give them: one ListAssociations call
 * each, filtered by name. A name that no association or several associations have fails the spoke's
 * report, naming it, the account and the Region: the report cannot tell which results are the updates'.
 */
async function findUpdateAssociations(ssm: SSMClient, spoke: Spoke, signal: AbortSignal): Promise<{ ssmAgent: string; cloudWatchAgent: string }> {
  const find = async (name: string): Promise<string> => {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(new ListAssociationsCommand({ AssociationFilterList: [{ key: 'AssociationName', value: name }], MaxResults: 50, NextToken: token }), { abortSignal: signal });
      for (const association of page.Associations ?? []) if (association.AssociationName === name && association.AssociationId) ids.push(association.AssociationId);
      token = page.NextToken;
    } while (token);
    if (ids.length !== 1) {
      throw new Error(`The spoke ${spoke.environment} (${spoke.account} ${spoke.region}) has ${ids.length} associations named ${name}; the weekly report needs exactly one`);
    }
    return ids[0]!;
  };
  const { associationNames } = spoke.report;
  const [ssmAgent, cloudWatchAgent] = await Promise.all([find(associationNames.ssmAgent), find(associationNames.cloudWatchAgent)]);
  return { ssmAgent, cloudWatchAgent };
}

/**
 * Reads one stack's account and Region and mails its report. Any failed read fails the run before the
 * mail is published, so Lambda's retry sends it; nothing is published twice.
 */
function reportStackWith(dependencies: Pick<WeeklyReportDependencies, 'sns' | 'settings'>) {
  return async function reportStack(stack: StackUnderReport, signal: AbortSignal, regionInSubject: boolean): Promise<WeeklyReportSummary> {
    const { ssm, cloudwatch } = stack.clients;
    const { settings } = stack;
    const now = new Date();
    const associationReads = { runs: new TokenBucket(ASSOCIATION_READS_PER_SECOND), targets: new TokenBucket(ASSOCIATION_READS_PER_SECOND) };
    const registry = new NodeRegistry(stack.clients.registry, settings.registryTable, signal);
    const [records, managed, reportingInstances, ssmRuns, cloudWatchRuns] = await Promise.all([
      registry.scanNodes(SCAN_SEGMENTS),
      readManagedNodes(),
      readReportingInstances(),
      readRuns(stack.associationIds.ssmAgent),
      readRuns(stack.associationIds.cloudWatchAgent),
    ]);
    const [ssmAgent, cloudWatchAgent] = await Promise.all([
      readResults(stack.associationIds.ssmAgent, ssmRuns, (facts) => nodesToLookUp({ records, managed }, facts, settings)),
      readResults(stack.associationIds.cloudWatchAgent, cloudWatchRuns, () => []),
    ]);
    const facts: FleetFacts = { now, records, managed, ssmAgent, cloudWatchAgent, reportingInstances };
    const report = buildFleetReport(facts, settings);

    const mail = renderWeeklyReportMail(
      report,
      {
        accountId: stack.account,
        accountDisplayName: await stack.clients.accountDisplayName(),
        region: stack.region,
        regionInSubject,
        updateTargetTag: settings.updateTargetTag,
        muteTag: settings.muteTag,
        cloudWatchAgentNamespace: settings.cloudWatchAgentNamespace,
        ssmAgentAssociationId: stack.associationIds.ssmAgent,
        cloudWatchAgentAssociationId: stack.associationIds.cloudWatchAgent,
      },
      dependencies.settings,
    );
    const { messageId } = await publishAlert(dependencies.sns, dependencies.settings, mail);
    const summary = { account: stack.account, region: stack.region, nodes: records.length, managed: managed.size, needAttention: report.totals.needAttention, subject: mail.subject, messageId };
    logger.info('Weekly report sent', { ...summary });
    return summary;

    async function readManagedNodes(): Promise<Map<string, ManagedNodeInfo>> {
      const nodes = new Map<string, ManagedNodeInfo>();
      for await (const page of paginateDescribeInstanceInformation({ client: ssm, pageSize: NODES_PER_PAGE }, { MaxResults: NODES_PER_PAGE }, { abortSignal: signal })) {
        for (const node of page.InstanceInformationList ?? []) {
          if (!node.InstanceId) continue;
          nodes.set(node.InstanceId, {
            id: node.InstanceId,
            agentVersion: node.AgentVersion,
            isLatestVersion: node.IsLatestVersion,
            platformType: node.PlatformType,
            registeredAt: node.RegistrationDate,
            pingStatus: node.PingStatus,
            name: node.Name,
          });
        }
      }
      return nodes;
    }

    async function readReportingInstances(): Promise<Set<string>> {
      const instances = new Set<string>();
      const input = { Namespace: settings.cloudWatchAgentNamespace, RecentlyActive: 'PT3H' as const, Dimensions: [{ Name: INSTANCE_ID_DIMENSION }] };
      const pace = new TokenBucket(LIST_METRICS_PER_SECOND);
      let token: string | undefined;
      do {
        await pace.take();
        const page = await cloudwatch.send(new ListMetricsCommand({ ...input, NextToken: token }), { abortSignal: signal });
        for (const metric of page.Metrics ?? []) {
          const instance = metric.Dimensions?.find((dimension) => dimension.Name === INSTANCE_ID_DIMENSION)?.Value;
          if (instance) instances.add(instance);
        }
        token = page.NextToken;
      } while (token);
      return instances;
    }

    async function readRuns(associationId: string): Promise<AssociationRun[]> {
      const since = new Date(now.getTime() - RUN_LOOKBACK_DAYS * 24 * 60 * 60 * 1000);
      const runs: AssociationRun[] = [];
      let token: string | undefined;
      do {
        await associationReads.runs.take();
        const page = await ssm.send(
          new DescribeAssociationExecutionsCommand({
            AssociationId: associationId,
            Filters: [{ Key: 'CreatedTime', Type: 'GREATER_THAN', Value: since.toISOString() }],
            MaxResults: NODES_PER_PAGE,
            NextToken: token,
          }),
          { abortSignal: signal },
        );
        for (const execution of page.AssociationExecutions ?? []) {
          if (!execution.ExecutionId || !execution.CreatedTime || execution.CreatedTime < since) continue;
          runs.push({ executionId: execution.ExecutionId, createdAt: execution.CreatedTime, status: execution.Status ?? '', counts: parseResourceCounts(execution.ResourceCountByStatus) });
        }
        token = page.NextToken;
      } while (token);
      return runs;
    }

    /** The latest run's nodes that did not succeed, and which of the nodes in question succeeded. */
    async function readResults(associationId: string, runs: AssociationRun[], inQuestion: (facts: Pick<AssociationFacts, 'latestRun' | 'notSucceeded'>) => string[]): Promise<AssociationFacts> {
      const latestRun = latestFinishedRun(runs);
      const weekRuns = runs.filter((run) => run.createdAt.getTime() > now.getTime() - WEEK_MS);
      const notSucceeded = new Map<string, NodeResult>();
      const succeeded = new Set<string>();
      if (!latestRun) return { associationId, notSucceeded, succeeded, weekRuns };
      const read = (filters: AssociationExecutionTargetsFilter[], each: (id: string, result: NodeResult) => void) =>
        readTargets(associationId, latestRun.executionId, filters, each);

      for (const status of statusesToRead(latestRun)) {
        await read([{ Key: 'Status', Value: status }], (id, result) => notSucceeded.set(id, result));
      }
      const ids = inQuestion({ latestRun, notSucceeded });
      const lookup = successLookup(latestRun, ids);
      logger.info('Association results read', { associationId, executionId: latestRun.executionId, counts: latestRun.counts, lookup: lookup.kind, nodesInQuestion: ids.length });
      if (lookup.kind === 'by-node') {
        await forEachLimited(lookup.ids, 1, (id) =>
          read([{ Key: 'ResourceId', Value: id }], (resource, result) => {
            if (result.status === 'Success') succeeded.add(resource);
            else notSucceeded.set(resource, result);
          }),
        );
      } else if (lookup.kind === 'listing') {
        const wanted = new Set(ids);
        await read([{ Key: 'Status', Value: 'Success' }], (id) => wanted.has(id) && succeeded.add(id));
      }
      return { associationId, latestRun, notSucceeded, succeeded, weekRuns };
    }

    async function readTargets(associationId: string, executionId: string, filters: AssociationExecutionTargetsFilter[], each: (id: string, result: NodeResult) => void): Promise<void> {
      let token: string | undefined;
      do {
        await associationReads.targets.take();
        const page = await ssm.send(
          new DescribeAssociationExecutionTargetsCommand({ AssociationId: associationId, ExecutionId: executionId, Filters: filters, MaxResults: TARGETS_PER_PAGE, NextToken: token }),
          { abortSignal: signal },
        );
        for (const target of page.AssociationExecutionTargets ?? []) {
          if (target.ResourceId && target.Status) each(target.ResourceId, { status: target.Status, ...(target.DetailedStatus ? { detailedStatus: target.DetailedStatus } : {}) });
        }
        token = page.NextToken;
      } while (token);
    }
  };
}
