import type { Context } from 'aws-lambda';
import { PublishCommand, SNSServiceException } from '@aws-sdk/client-sns';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createSubscriptionCheck, type SubscriptionCheckSettings } from '../../../lambdas/subscription-check/check';
import { PROD_ALERT_ADDRESSES, PROD_ALERT_TOPIC, PROD_CHAT_TOPIC, subscriptionAws, type SubscriptionAws } from '../../../fixtures/subscription-aws';

const context = {
  functionName: 'ssm-agent-ops-prod-subscription-check',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:333333333333:function:ssm-agent-ops-prod-subscription-check',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

const settings: SubscriptionCheckSettings = {
  topicArn: PROD_ALERT_TOPIC,
  emails: PROD_ALERT_ADDRESSES,
  stateTable: 'ssm-agent-ops-prod-subscription-state',
  namespace: 'SSMAgentOps/prod',
  maxPendingHours: 24,
  language: 'ja',
  timeZone: 'Asia/Tokyo',
  environmentName: 'prod',
};

const DAY = 24 * 3600_000;
const FIRST_CHECK = new Date('2025-03-11T00:00:03Z');

/** A check run once a day from FIRST_CHECK against `aws`; `run()` is the next day's check. */
function dailyCheck(aws: SubscriptionAws, overrides: Partial<SubscriptionCheckSettings> = {}) {
  process.env.AWS_LAMBDA_FUNCTION_NAME = context.functionName;
  let day = 0;
  let now = FIRST_CHECK;
  const handler = createSubscriptionCheck({
    sns: aws.sns,
    dynamodb: aws.dynamodb,
    cloudwatch: aws.cloudwatch,
    accountDisplayName: async () => '本番アカウント',
    settings: { ...settings, ...overrides },
    now: () => now,
  });
  return {
    run: () => {
      now = new Date(FIRST_CHECK.getTime() + day++ * DAY);
      return handler({}, context);
    },
    /** Mails published so far to the mail topic. */
    mails: () => aws.published().filter((message) => message.TopicArn === PROD_ALERT_TOPIC),
  };
}

function throttled(): Error {
  return new SNSServiceException({ name: 'ThrottledException', message: 'Rate exceeded', $fault: 'client', $metadata: { httpStatusCode: 429 } });
}

describe('the subscription check', () => {
  it('mails the others exactly once when one address unsubscribes: at the next check, and not at the check after', async () => {
    const aws = subscriptionAws();
    const check = dailyCheck(aws);
    expect(await check.run()).toEqual({ confirmed: 2, lost: 0, reported: [] });
    expect(check.mails()).toHaveLength(0);

    aws.unsubscribe('ops-oncall@example.com');
    expect(await check.run()).toEqual({ confirmed: 1, lost: 1, reported: ['ops-oncall@example.com'] });
    expect(check.mails()).toHaveLength(1);
    const [mail] = check.mails();
    expect(mail!.Subject).toBe('【ssm-agent-ops 要確認】本番アカウント: 障害通知が届かない宛先が 1 件あります');
    expect(mail!.Message).toContain('- ops-oncall@example.com: 購読がありません');
    expect(mail!.Message).toContain('本番アカウント (333333333333) の ap-northeast-1 で、障害通知のトピック OPE の購読を確認したところ');
    expect(mail!.Message).toContain('購読が有効な宛先: 2 件中 1 件');
    expect(mail!.Message).toContain('https://ap-northeast-1.console.aws.amazon.com/sns/v3/home?region=ap-northeast-1#/topic/arn:aws:sns:ap-northeast-1:333333333333:OPE');
    expect(mail!.Message).toContain('help/subscription-lost.ja.md');

    expect(await check.run()).toEqual({ confirmed: 1, lost: 1, reported: [] });
    expect(await check.run()).toEqual({ confirmed: 1, lost: 1, reported: [] });
    expect(check.mails()).toHaveLength(1);
  });

  it('reports an address again only after it came back and was lost again', async () => {
    const aws = subscriptionAws();
    const check = dailyCheck(aws);
    aws.unsubscribe('ops@example.com');
    await check.run();
    aws.subscribe('ops@example.com');
    await check.run(); // subscribed again, not yet confirmed: still the same loss
    aws.confirm('ops@example.com');
    expect(await check.run()).toEqual({ confirmed: 2, lost: 0, reported: [] });
    expect(aws.table.size).toBe(0);
    aws.unsubscribe('ops@example.com');
    expect((await check.run()).reported).toEqual(['ops@example.com']);
    expect(check.mails().map((mail) => mail.Subject)).toHaveLength(2);
  });

  it('reports a subscription still unconfirmed after maxPendingHours, once, and not before', async () => {
    const aws = subscriptionAws(['ops@example.com', 'new@example.com']);
    aws.unsubscribe('new@example.com');
    aws.subscribe('new@example.com');
    const check = dailyCheck(aws, { emails: ['ops@example.com', 'new@example.com'], maxPendingHours: 36 });
    expect(await check.run()).toEqual({ confirmed: 1, lost: 0, reported: [] }); // first seen waiting
    expect(await check.run()).toEqual({ confirmed: 1, lost: 0, reported: [] }); // 24 h < 36 h
    expect(await check.run()).toEqual({ confirmed: 1, lost: 1, reported: ['new@example.com'] }); // 48 h
    expect(await check.run()).toEqual({ confirmed: 1, lost: 1, reported: [] });
    expect(check.mails()).toHaveLength(1);
    expect(check.mails()[0]!.Message).toContain('- new@example.com: 購読が確認されていません (36 時間以上、確認のリンクが押されていません)');
  });

  it('reports every loss a check finds in one mail', async () => {
    const emails = ['a@example.com', 'b@example.com', 'c@example.com'];
    const aws = subscriptionAws(emails);
    const check = dailyCheck(aws, { emails, language: 'en' });
    aws.unsubscribe('a@example.com');
    aws.unsubscribe('c@example.com');
    await check.run();
    expect(check.mails()).toHaveLength(1);
    expect(check.mails()[0]!.Subject).toBe('[ssm-agent-ops check] 本番アカウント: 2 alert addresses get nothing');
    expect(check.mails()[0]!.Message).toContain('- a@example.com: no subscription');
    expect(check.mails()[0]!.Message).toContain('- c@example.com: no subscription');
  });

  it('says so when no address is left to read the report, which then reaches chat only', async () => {
    const aws = subscriptionAws();
    aws.unsubscribe('ops@example.com');
    aws.unsubscribe('ops-oncall@example.com');
    const check = dailyCheck(aws, { chatTopicArn: PROD_CHAT_TOPIC });
    expect(await check.run()).toEqual({ confirmed: 0, lost: 2, reported: ['ops@example.com', 'ops-oncall@example.com'] });
    expect(check.mails()[0]!.Message).toContain('購読が有効な宛先が 1 件もありません。この通知はメールでは誰にも届いていません');
    expect(aws.published().filter((message) => message.TopicArn === PROD_CHAT_TOPIC)).toHaveLength(1);
  });

  it('compares addresses ignoring case, as mailboxes do', async () => {
    const aws = subscriptionAws(['Ops@Example.com']);
    const check = dailyCheck(aws, { emails: ['ops@example.com'] });
    expect(await check.run()).toEqual({ confirmed: 1, lost: 0, reported: [] });
  });

  it('reads every page of a topic with more than 100 subscriptions', async () => {
    const others = Array.from({ length: 230 }, (_, index) => `someone-${index}@example.com`);
    const aws = subscriptionAws([...others, 'ops@example.com']);
    const check = dailyCheck(aws, { emails: ['ops@example.com'] });
    expect(await check.run()).toEqual({ confirmed: 1, lost: 0, reported: [] });
  });

  it('publishes the confirmed and lost counts, and its heartbeat last of all', async () => {
    const aws = subscriptionAws();
    aws.unsubscribe('ops@example.com');
    await dailyCheck(aws).run();
    expect(aws.metricData()).toEqual([
      {
        Namespace: 'SSMAgentOps/prod',
        MetricData: [
          { MetricName: 'ConfirmedSubscriptions', Value: 1, Unit: 'Count', Timestamp: FIRST_CHECK },
          { MetricName: 'LostSubscriptions', Value: 1, Unit: 'Count', Timestamp: FIRST_CHECK },
          { MetricName: 'SubscriptionChecks', Value: 1, Unit: 'Count', Timestamp: FIRST_CHECK },
        ],
      },
    ]);
  });

  it('sends the report to chat too, as a custom notification', async () => {
    const aws = subscriptionAws();
    aws.unsubscribe('ops@example.com');
    await dailyCheck(aws, { chatTopicArn: PROD_CHAT_TOPIC }).run();
    const chat = aws.published().filter((message) => message.TopicArn === PROD_CHAT_TOPIC);
    expect(chat).toHaveLength(1);
    expect(JSON.parse(chat[0]!.Message!)).toMatchObject({ version: '1.0', source: 'custom', content: { title: expect.stringContaining('届かない宛先が 1 件') } });
  });

  describe('when AWS fails', () => {
    it('remembers nothing and sends no heartbeat when the mail cannot be published, so the retry mails it', async () => {
      const aws = subscriptionAws();
      const check = dailyCheck(aws);
      aws.unsubscribe('ops@example.com');
      aws.snsMock.on(PublishCommand).rejectsOnce(throttled()).resolves({ MessageId: 'after-the-retry' });
      await expect(check.run()).rejects.toThrow('Rate exceeded');
      expect(aws.table.size).toBe(0);
      expect(aws.metricData()).toEqual([]);

      expect((await check.run()).reported).toEqual(['ops@example.com']);
      // The attempt SNS refused, then the mail that went out.
      expect(check.mails()).toHaveLength(2);
      expect((await check.run()).reported).toEqual([]);
      expect(check.mails()).toHaveLength(2);
    });

    it('fails without a heartbeat when the report cannot be remembered; the retry mails again rather than never', async () => {
      const aws = subscriptionAws();
      const check = dailyCheck(aws);
      aws.unsubscribe('ops@example.com');
      aws.dynamodbMock.on(PutCommand).rejectsOnce(new Error('ProvisionedThroughputExceededException'));
      await expect(check.run()).rejects.toThrow('ProvisionedThroughputExceededException');
      expect(aws.metricData()).toEqual([]);
      aws.dynamodbMock.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
        aws.table.set(String(input.Item.address), input.Item);
        return {};
      });
      await check.run();
      await check.run();
      expect(check.mails()).toHaveLength(2);
    });

    it('still mails when chat cannot be published, and does not fail (a retry would mail again)', async () => {
      const aws = subscriptionAws();
      aws.unsubscribe('ops@example.com');
      aws.snsMock.on(PublishCommand, { TopicArn: PROD_CHAT_TOPIC }).rejects(throttled());
      const check = dailyCheck(aws, { chatTopicArn: PROD_CHAT_TOPIC });
      expect((await check.run()).reported).toEqual(['ops@example.com']);
      expect(check.mails()).toHaveLength(1);
      expect(aws.table.get('ops@example.com')).toEqual(expect.objectContaining({ lossReportedAt: FIRST_CHECK.toISOString() }));
    });
  });
});
