import { subscriptionCheckEnvironment } from '../../../contract/subscription-check-environment';
import { scheduledEvent } from '../../../fixtures/events';
import { FakeAws } from '../../helpers/fake-aws';
import { invokePackaged, packagedFunction } from '../../helpers/packaged-lambda';

const TOPIC = 'arn:aws:sns:ap-northeast-1:333333333333:OPE';
const TABLE = 'ssm-agent-ops-prod-subscription-state';

// The packaged check, with the SDK and retry settings it is deployed with, against the wire-level
// fake: SNS's throttling goes through the SDK's retry middleware, as in Lambda.
describe('the packaged subscription check', () => {
  const check = packagedFunction('-subscription-check', { aws_sns_topic: TOPIC, aws_dynamodb_table: TABLE });
  const fake = new FakeAws({ GetParameter: ({ Name }) => ({ Parameter: { Name, Type: 'String', Value: '本番アカウント' } }) }, {}, { PutMetricData: () => ({}) });
  fake.plainTables.set(TABLE, new Map());
  const subscription = (email: string) => ({ Protocol: 'email', Endpoint: email, TopicArn: TOPIC, SubscriptionArn: `${TOPIC}:${email.split('@')[0]}` });
  let endpoint: string;
  beforeAll(async () => (endpoint = await fake.start()));
  afterAll(() => fake.stop());

  it('is deployed with the handler and settings the stack gives it', () => {
    expect(check.handler).toBe('index.handler');
    expect(subscriptionCheckEnvironment.decode(check.environment)).toMatchObject({
      topicArn: TOPIC,
      emails: ['ops@example.com', 'ops-oncall@example.com'],
      stateTable: TABLE,
      maxPendingHours: 24,
    });
  });

  it('mails one lost subscription once, through throttled calls, and not at the next check', async () => {
    const mails = () => fake.published().filter((message) => message.TopicArn === TOPIC);
    fake.subscriptions = [subscription('ops@example.com'), subscription('ops-oncall@example.com')];
    expect(await invokePackaged(check, endpoint, [scheduledEvent()])).toEqual([{ ok: true, result: { confirmed: 2, lost: 0, reported: [] } }]);

    fake.subscriptions = [subscription('ops@example.com')];
    // Refused once each with Throttled, HTTP 429, as SNS does past its rate; the SDK retries.
    fake.inject('SNS.ListSubscriptionsByTopic', { kind: 'error', status: 429, code: 'Throttled', message: 'Rate exceeded' }, 1);
    fake.inject('SNS.Publish', { kind: 'error', status: 429, code: 'Throttled', message: 'Rate exceeded' }, 1);
    expect(await invokePackaged(check, endpoint, [scheduledEvent()])).toEqual([{ ok: true, result: { confirmed: 1, lost: 1, reported: ['ops-oncall@example.com'] } }]);
    // One read at the first check; a throttled read and its retry at this one; the same for the mail.
    expect(fake.callsOf('SNS.ListSubscriptionsByTopic')).toHaveLength(3);
    expect(fake.callsOf('SNS.Publish').filter((call) => call.input.TopicArn === TOPIC)).toHaveLength(2);
    expect(mails()).toHaveLength(1);
    expect(mails()[0]!.Subject).toBe('【ssm-agent-ops 要確認】本番アカウント: 障害通知が届かない宛先が 1 件あります');
    expect(mails()[0]!.Message.endsWith('リンクを押さずに運用チームのリーダー (ops-lead@example.com) に連絡してください。')).toBe(true);

    expect(await invokePackaged(check, endpoint, [scheduledEvent()])).toEqual([{ ok: true, result: { confirmed: 1, lost: 1, reported: [] } }]);
    expect(mails()).toHaveLength(1);
    expect(fake.calls.filter((call) => call.operation === 'CloudWatch.PutMetricData')).toHaveLength(3);
  });
});
