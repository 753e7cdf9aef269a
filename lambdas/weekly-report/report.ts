import type { Context } from 'aws-lambda';
import { ListMetricsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  paginateDescribeInstanceInformation,
  type AssociationExecutionTargetsFilter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INSTANCE_ID_DIMENSION } from '../../contract/agent-metrics';
import type { MailSettings } from '../shared/mail/mail';
import { publishAlert, type AlertDestination } from '../shared/mail/publish';
import { NodeRegistry } from '../shared/node-registry';
import { logger } from '../shared/powertools';
import { Deadline, forEachLimited } from '../shared/run-deadline';
import { TokenBucket } from '../shared/token-bucket';
import type { AssociationFacts, AssociationRun, ClassificationSettings, FleetFacts, ManagedNodeInfo, NodeResult } from './fleet-facts';
import { latestFinishedRun, parseResourceCounts, RUN_LOOKBACK_DAYS, statusesToRead, successLookup, TARGETS_PER_PAGE, WEEK_MS } from './gathering-plan';
import { renderWeeklyReportMail } from './report-mail';
import { buildFleetReport, nodesToLookUp } from './sections';

export interface WeeklyReportSettings extends MailSettings, AlertDestination, ClassificationSettings {
  registryTable: string;
  ssmAgentAssociationId: string;
  cloudWatchAgentAssociationId: string;
  cloudWatchAgentNamespace: string;
}

/** What the report needs from the outside world; the handler wires real clients, tests simulations. */
export interface WeeklyReportDependencies {
  ssm: SSMClient;
  cloudwatch: CloudWatchClient;
  registry: DynamoDBDocumentClient;
  sns: SNSClient;
  accountDisplayName: () => Promise<string | undefined>;
  settings: WeeklyReportSettings;
}

/** What one run found, logged and returned. */
export interface WeeklyReportSummary {
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
  const { ssm, cloudwatch, settings } = dependencies;

  return async function handler(_event: unknown, context: Context): Promise<WeeklyReportSummary> {
    logger.addContext(context);
    const now = new Date();
    const deadline = Deadline.shareOf(context, RUN_SHARE_OF_TIMEOUT);
    const signal = deadline.signal;
    const associationReads = { runs: new TokenBucket(ASSOCIATION_READS_PER_SECOND), targets: new TokenBucket(ASSOCIATION_READS_PER_SECOND) };
    try {
      const registry = new NodeRegistry(dependencies.registry, settings.registryTable, signal);
      const [records, managed, reportingInstances, ssmRuns, cloudWatchRuns] = await Promise.all([
        registry.scanNodes(SCAN_SEGMENTS),
        readManagedNodes(),
        readReportingInstances(),
        readRuns(settings.ssmAgentAssociationId),
        readRuns(settings.cloudWatchAgentAssociationId),
      ]);
      const [ssmAgent, cloudWatchAgent] = await Promise.all([
        readResults(settings.ssmAgentAssociationId, ssmRuns, (facts) => nodesToLookUp({ records, managed }, facts, settings)),
        readResults(settings.cloudWatchAgentAssociationId, cloudWatchRuns, () => []),
      ]);
      const facts: FleetFacts = { now, records, managed, ssmAgent, cloudWatchAgent, reportingInstances };
      const report = buildFleetReport(facts, settings);

      // arn:<partition>:sns:<region>:<account>:<name>
      const [, , , region, accountId] = settings.topicArn.split(':') as [string, string, string, string, string];
      const mail = renderWeeklyReportMail(
        report,
        {
          accountId,
          accountDisplayName: await dependencies.accountDisplayName(),
          region,
          updateTargetTag: settings.updateTargetTag,
          muteTag: settings.muteTag,
          cloudWatchAgentNamespace: settings.cloudWatchAgentNamespace,
          ssmAgentAssociationId: settings.ssmAgentAssociationId,
          cloudWatchAgentAssociationId: settings.cloudWatchAgentAssociationId,
        },
        settings,
      );
      const { messageId } = await publishAlert(dependencies.sns, settings, mail);
      const summary = { nodes: records.length, managed: managed.size, needAttention: report.totals.needAttention, subject: mail.subject, messageId };
      logger.info('Weekly report sent', { ...summary });
      return summary;
    } finally {
      deadline.dispose();
    }

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
