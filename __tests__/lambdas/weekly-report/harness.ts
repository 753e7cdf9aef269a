import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { scheduledEvent } from '../../../fixtures/events';
import { lambdaContext } from '../../../fixtures/lambda-context';
import type { VirtualClock } from '../../../fixtures/virtual-clock';
import { reportFleetSettings, type ReportFleet } from '../../../fixtures/weekly-report-fleet';
import { createWeeklyReport, type WeeklyReportSettings } from '../../../lambdas/weekly-report/report';
import { WEEKLY_REPORT_TIMEOUT_SECONDS } from '../../../stacks/weekly-report';
import { PROD } from '../../helpers/agent-health';

export const MAIL_TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:OPE';
export const CHAT_TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:ssm-agent-ops-prod-chat';

/** The report as the prod environment deploys it by default (chat configured). */
export const REPORT_SETTINGS: WeeklyReportSettings = {
  topicArn: MAIL_TOPIC,
  chatTopicArn: CHAT_TOPIC,
  registryTable: PROD.registryTable,
  ...reportFleetSettings(),
  language: 'ja',
  timeZone: 'Asia/Tokyo',
  environmentName: 'prod',
};

/**
 * The weekly report against a simulated fleet, run as Lambda runs it on the virtual clock; SNS is a
 * mock that records what was published.
 */
export function weeklyReport(fleet: ReportFleet, clock: VirtualClock, overrides: Partial<WeeklyReportSettings> = {}) {
  const sns = new SNSClient({ region: 'ap-northeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const snsMock = mockClient(sns);
  snsMock.on(PublishCommand).callsFake((input: PublishCommandInput) => ({ MessageId: `message-${snsMock.commandCalls(PublishCommand).length}-${input.TopicArn?.split(':').pop()}` }));
  const handler = createWeeklyReport({
    ssm: fleet.aws.ssm,
    cloudwatch: fleet.aws.cloudwatch,
    registry: fleet.aws.dynamodb,
    sns,
    accountDisplayName: async () => '本番アカウント',
    settings: { ...REPORT_SETTINGS, ...overrides },
  });
  const published = () => snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
  return {
    run: () => clock.run(() => handler(scheduledEvent(), lambdaContext('ssm-agent-ops-prod-weekly-report', WEEKLY_REPORT_TIMEOUT_SECONDS))),
    snsMock,
    /** The mail (to the mail topic) of the last run. */
    mail: () => {
      const mail = published().filter((input) => input.TopicArn === MAIL_TOPIC).pop();
      if (!mail) throw new Error('no mail was published');
      return { subject: mail.Subject!, body: mail.Message! };
    },
    chat: () => {
      const chat = published().filter((input) => input.TopicArn === CHAT_TOPIC).pop();
      if (!chat) throw new Error('no chat notification was published');
      return JSON.parse(chat.Message!) as { content: { title: string; description: string; nextSteps: string[] } };
    },
    published,
  };
}
