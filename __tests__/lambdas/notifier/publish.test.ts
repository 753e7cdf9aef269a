import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { MAX_CHAT_DESCRIPTION_LENGTH, renderChatNotification } from '../../../lambdas/shared/mail/chat-notification';
import { composeMail, type Mail } from '../../../lambdas/shared/mail/mail';
import { publishAlert } from '../../../lambdas/shared/mail/publish';
import { logger } from '../../../lambdas/shared/powertools';
import { PROD_ALERT_TOPIC, PROD_CHAT_TOPIC } from '../../../fixtures/subscription-aws';
import { customNotification } from '../../helpers/custom-notification';

const settings = { language: 'ja', timeZone: 'Asia/Tokyo', environmentName: 'prod' } as const;

function sampleMail(output = 'dial tcp 52.219.152.10:443: i/o timeout'): Mail {
  return composeMail(
    '【SSM 失敗通知】本番アカウント: AWS-UpdateSSMAgent 失敗 (Failed)',
    {
      sections: ['要約', 'アカウント: 本番アカウント (333333333333)', { verbatim: `■ エラー出力\n${output}` }],
      consoleLinks: [['このコマンドの実行結果', 'https://ap-northeast-1.console.aws.amazon.com/systems-manager/run-command/c/i?region=ap-northeast-1']],
      runbook: 'ssm-agent-update-failure',
    },
    settings,
  );
}

describe('the chat notification', () => {
  it('is the documented custom notification: title, description, next steps with the runbook and console links', () => {
    const notification = renderChatNotification(sampleMail(), 'prod');
    expect(customNotification.parse(notification)).toEqual(notification);
    expect(notification.content.title).toBe('【SSM 失敗通知】本番アカウント: AWS-UpdateSSMAgent 失敗 (Failed)');
    expect(notification.content.description).toBe('要約\n\nアカウント: 本番アカウント (333333333333)\n\n```\n■ エラー出力\ndial tcp 52.219.152.10:443: i/o timeout\n```');
    expect(notification.content.nextSteps).toEqual([
      '■ 対応手順: SSM Agent の更新失敗 (help/ssm-agent-update-failure.ja.md)',
      'このコマンドの実行結果: https://ap-northeast-1.console.aws.amazon.com/systems-manager/run-command/c/i?region=ap-northeast-1',
    ]);
    expect(notification.content.keywords).toEqual(['prod', 'ssm-agent-update-failure']);
  });

  it('leaves out what only a mail needs: the sender line and the note on the unsubscribe link', () => {
    const { description } = renderChatNotification(sampleMail(), 'prod').content;
    expect(description).not.toContain('unsubscribe');
    expect(description).not.toContain('自動送信');
  });

  it('keeps command output literal: a fence inside it cannot end the code block', () => {
    const { description } = renderChatNotification(sampleMail('```\n*not bold*'), 'prod').content;
    expect(description.match(/```/g)).toHaveLength(2);
  });

  it('cuts a long description, closing a code block the cut left open', () => {
    const { description } = renderChatNotification(sampleMail('x'.repeat(10_000)), 'prod').content;
    expect(description.length).toBeLessThanOrEqual(MAX_CHAT_DESCRIPTION_LENGTH);
    expect(description.endsWith('\n…\n```')).toBe(true);
  });

  it('carries any mail, one composed without chat parts included', () => {
    const notification = renderChatNotification({ subject: 'subject', body: 'body' }, 'dev');
    expect(customNotification.parse(notification).content.description).toBe('```\nbody\n```');
  });
});

describe('publishAlert', () => {
  const mail = sampleMail();
  const destination = { topicArn: PROD_ALERT_TOPIC, chatTopicArn: PROD_CHAT_TOPIC, environmentName: 'prod' };

  function sns() {
    const client = new SNSClient({ region: 'ap-northeast-1' });
    const mock = mockClient(client);
    mock.on(PublishCommand).resolves({ MessageId: 'message-1' });
    return { client, mock, published: () => mock.commandCalls(PublishCommand).map((call) => call.args[0].input) };
  }
  const refused = () => new SNSServiceException({ name: 'AuthorizationError', message: 'not authorized', $fault: 'client', $metadata: {} });

  it('gives the mail topic the plain-text mail and the chat topic only the JSON notification', async () => {
    const { client, published } = sns();
    await expect(publishAlert(client, destination, mail)).resolves.toEqual({ messageId: 'message-1' });
    const [toMail, toChat] = published();
    expect(toMail).toEqual({ TopicArn: PROD_ALERT_TOPIC, Subject: mail.subject, Message: mail.body });
    expect(toChat).toEqual({ TopicArn: PROD_CHAT_TOPIC, Message: expect.any(String) });
    expect(customNotification.parse(JSON.parse(toChat!.Message!))).toBeTruthy();
    expect(published()).toHaveLength(2);
  });

  it('publishes the mail alone without chat', async () => {
    const { client, published } = sns();
    await publishAlert(client, { topicArn: PROD_ALERT_TOPIC, environmentName: 'prod' }, mail);
    expect(published().map((message) => message.TopicArn)).toEqual([PROD_ALERT_TOPIC]);
  });

  it('fails, before any chat notification, when the mail cannot be published', async () => {
    const { client, mock, published } = sns();
    mock.on(PublishCommand, { TopicArn: PROD_ALERT_TOPIC }).rejects(refused());
    await expect(publishAlert(client, destination, mail)).rejects.toThrow('not authorized');
    expect(published().map((message) => message.TopicArn)).toEqual([PROD_ALERT_TOPIC]);
  });

  it('logs a chat notification that cannot be published as a failed chat delivery, and does not fail', async () => {
    const { client, mock } = sns();
    mock.on(PublishCommand, { TopicArn: PROD_CHAT_TOPIC }).rejects(refused());
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    await expect(publishAlert(client, destination, mail)).resolves.toEqual({ messageId: 'message-1' });
    expect(logged).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ chatDelivery: 'failed', error: 'AuthorizationError' }));
    logged.mockRestore();
  });
});
