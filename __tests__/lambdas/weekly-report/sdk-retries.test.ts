// Layer: the AWS SDK for JavaScript v3 as deployed (the clients' retry mode and attempts from
// lambdas/shared/sdk.ts) for Systems Manager, CloudWatch and DynamoDB, talking to the simulation
// through its HTTP wire protocols on the virtual clock: errors are parsed from each protocol's shape,
// classified and retried by the SDK itself. SNS is aws-sdk-client-mock (its `send` only), recording
// what the report publishes.
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { scheduledEvent } from '../../../fixtures/events';
import { lambdaContext } from '../../../fixtures/lambda-context';
import { wireClients } from '../../../fixtures/simulated-aws-wire';
import { VirtualClock } from '../../../fixtures/virtual-clock';
import { registryRecords, reportFleet, writeRegistry, type ReportFleet } from '../../../fixtures/weekly-report-fleet';
import { logger } from '../../../lambdas/shared/powertools';
import { sdkClientConfig } from '../../../lambdas/shared/sdk';
import { createWeeklyReport } from '../../../lambdas/weekly-report/report';
import { WEEKLY_REPORT_TIMEOUT_SECONDS } from '../../../stacks/weekly-report';
import { PROD } from '../../helpers/agent-health';
import { MAIL_TOPIC, REPORT_SETTINGS } from './harness';

const MONDAY = new Date('2026-03-02T00:00:00Z');
let clock: VirtualClock;
beforeAll(() => logger.setLogLevel('SILENT'));
beforeEach(() => (clock = new VirtualClock(MONDAY.getTime())));
afterEach(() => clock.uninstall());

async function deployedRun(fleet: ReportFleet) {
  const clients = wireClients(fleet.aws, sdkClientConfig);
  const sns = new SNSClient({ region: 'ap-northeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const published: PublishCommandInput[] = [];
  mockClient(sns)
    .on(PublishCommand)
    .callsFake((input: PublishCommandInput) => {
      published.push(input);
      return { MessageId: `message-${published.length}` };
    });
  const report = createWeeklyReport({ ssm: clients.ssm, cloudwatch: clients.cloudwatch, registry: clients.dynamodb, sns, accountDisplayName: async () => undefined, settings: REPORT_SETTINGS });
  const run = clock.run(() => report(scheduledEvent(), lambdaContext('ssm-agent-ops-prod-weekly-report', WEEKLY_REPORT_TIMEOUT_SECONDS)));
  return { run, published };
}

function fleetOf300() {
  const fleet = reportFleet(300, MONDAY, undefined, { latencyMs: 20 });
  writeRegistry(fleet.aws, PROD.registryTable, registryRecords(fleet, MONDAY));
  return fleet;
}

describe('the weekly report through the SDK as deployed', () => {
  it('writes the same report when State Manager, Systems Manager and CloudWatch throttle every other call', async () => {
    const calm = fleetOf300();
    const reference = await deployedRun(calm);
    await reference.run;
    // The same mail but for the time of the run in its first line.
    const mailOf = (published: PublishCommandInput[]) => published.find((input) => input.TopicArn === MAIL_TOPIC)!.Message!.replace(/^(.*?)\(.*? 時点\)/, '$1');

    const fleet = fleetOf300();
    const throttledOperations = ['DescribeAssociationExecutions', 'DescribeAssociationExecutionTargets', 'DescribeInstanceInformation', 'ListMetrics', 'Scan'];
    const counts = new Map<string, number>();
    fleet.aws.fault = (operation) => {
      if (!throttledOperations.includes(operation)) return undefined;
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      return counts.get(operation)! % 2 === 1 ? 'throttle' : undefined;
    };
    const throttled = await deployedRun(fleet);
    await throttled.run;
    for (const operation of throttledOperations) expect({ operation, throttled: fleet.aws.statsOf(operation).throttled > 0 }).toEqual({ operation, throttled: true });
    expect(mailOf(throttled.published)).toBe(mailOf(reference.published));
    expect(throttled.published.filter((input) => input.TopicArn === MAIL_TOPIC)).toHaveLength(1);
  });

  it('fails without publishing when a read is denied: the SDK does not retry it, Lambda does', async () => {
    const fleet = fleetOf300();
    fleet.aws.fault = (operation) => (operation === 'DescribeAssociationExecutionTargets' ? 'denied' : undefined);
    const { run, published } = await deployedRun(fleet);
    await expect(run).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // One call for each association's failed nodes, neither repeated.
    expect(fleet.aws.statsOf('DescribeAssociationExecutionTargets').calls).toBe(2);
    expect(published).toEqual([]);
  });
});
