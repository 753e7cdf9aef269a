/**
 * The weekly report on simulated fleets of 10,000 and 50,000 nodes, 100 ms a call, on a virtual
 * clock, with CloudWatch's and State Manager's published quotas enforced: the API calls of one run
 * by operation, and how long the run takes against its timeout. Two fleets each: a usual week (a few
 * nodes of every kind to report), and the worst week for the reads (AWS released an agent the day
 * after the update ran, so every node is outdated and the report must learn that each succeeded).
 */
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { scheduledEvent } from '../../fixtures/events';
import { lambdaContext } from '../../fixtures/lambda-context';
import { VirtualClock } from '../../fixtures/virtual-clock';
import { registryRecords, reportFleetSettings, reportFleet, writeRegistry, type FleetMix } from '../../fixtures/weekly-report-fleet';
import { logger } from '../../lambdas/shared/powertools';
import { createWeeklyReport, type WeeklyReportSummary } from '../../lambdas/weekly-report/report';
import { WEEKLY_REPORT_TIMEOUT_SECONDS } from '../../stacks/weekly-report';
import { LATENCY_MS } from './fleet';

export interface ReportFigures {
  nodes: number;
  week: 'usual' | 'every node outdated';
  calls: Record<string, number>;
  totalCalls: number;
  throttled: number;
  seconds: number;
  mailBytes: number;
  /** Managed nodes: what a design reading each node's association status would call at least. */
  perNodeCalls: number;
}

const REGISTRY = 'ssm-agent-ops-bench-node-registry';

/** A usual week: 0.5% of the fleet in each kind the report names. */
function usualMix(nodes: number): FleetMix {
  const share = Math.max(1, Math.round(nodes * 0.005));
  return {
    'outdated-failed': share,
    'outdated-offline': share,
    'outdated-succeeded': share,
    'outdated-untargeted': share,
    'outdated-windows': share,
    'outdated-new': share,
    untargeted: share,
    'tagged-unmanaged': share,
    'cloudwatch-failed': share,
    'cloudwatch-silent': share,
    lost: share,
    stopped: share,
    muted: share,
    'untagged-unmanaged': share,
  };
}

export async function benchWeeklyReport(nodes: number, week: ReportFigures['week']): Promise<ReportFigures> {
  logger.setLogLevel('SILENT');
  const clock = new VirtualClock(Date.parse('2026-03-02T00:00:00Z'));
  try {
    const now = new Date(clock.now);
    const mix = week === 'usual' ? usualMix(nodes) : { ...usualMix(nodes), 'outdated-succeeded': Math.round(nodes * 0.9) };
    const fleet = reportFleet(nodes, now, mix, { latencyMs: LATENCY_MS });
    writeRegistry(fleet.aws, REGISTRY, registryRecords(fleet, now));
    fleet.aws.resetCounts();
    const sns = new SNSClient({ region: 'ap-northeast-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    let mailBytes = 0;
    mockClient(sns)
      .on(PublishCommand)
      .callsFake((input: { Message?: string; Subject?: string }) => {
        if (input.Subject) mailBytes = Buffer.byteLength(input.Message ?? '', 'utf8');
        return { MessageId: 'bench' };
      });
    const report = createWeeklyReport({
      ssm: fleet.aws.ssm,
      cloudwatch: fleet.aws.cloudwatch,
      registry: fleet.aws.dynamodb,
      sns,
      accountDisplayName: async () => undefined,
      settings: {
        topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:OPE',
        registryTable: REGISTRY,
        ...reportFleetSettings(),
        language: 'ja',
        timeZone: 'Asia/Tokyo',
        environmentName: 'bench',
      },
    });
    const run = await clock.run(() => report(scheduledEvent(), lambdaContext('ssm-agent-ops-bench-weekly-report', WEEKLY_REPORT_TIMEOUT_SECONDS)));
    const calls = Object.fromEntries([...fleet.aws.calls].sort(([a], [b]) => (a < b ? -1 : 1)));
    const throttled = [...fleet.aws.calls.keys()].reduce((sum, operation) => sum + fleet.aws.statsOf(operation).throttled, 0);
    return {
      nodes,
      week,
      calls,
      totalCalls: fleet.aws.totalCalls(),
      throttled,
      seconds: run.seconds,
      mailBytes,
      perNodeCalls: (run.result as WeeklyReportSummary).managed,
    };
  } finally {
    clock.uninstall();
  }
}
