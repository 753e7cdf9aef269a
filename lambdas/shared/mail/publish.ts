import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CHAT_DELIVERY_FAILED, CHAT_DELIVERY_LOG_FIELD } from '../../../contract/chat';
import { logger } from '../powertools';
import { errorName } from '../sdk';
import { renderChatNotification } from './chat-notification';
import type { Mail } from './mail';

/** Where alerts go: the mail topic always, the chat topic when chat is set up. */
export interface AlertDestination {
  topicArn: string;
  chatTopicArn?: string;
  environmentName: string;
}

/**
 * Publishes one alert: the mail (plain text, with its subject) to the mail topic, then its chat
 * notification to the chat topic. The mail comes first and does not depend on chat. A mail that could
 * not be published throws, so that the caller's retry sends it; a chat notification that could not be
 * published once the mail went out is logged as a failed chat delivery (which an alarm mails) rather
 * than thrown, because a retry would mail everyone a second time.
 */
export async function publishAlert(sns: SNSClient, destination: AlertDestination, mail: Mail): Promise<{ messageId: string | undefined }> {
  const published = await sns.send(new PublishCommand({ TopicArn: destination.topicArn, Subject: mail.subject, Message: mail.body }));
  logger.info('Mail published', { subject: mail.subject, messageId: published.MessageId });
  if (destination.chatTopicArn) await publishToChat(sns, destination.chatTopicArn, destination.environmentName, mail);
  return { messageId: published.MessageId };
}

async function publishToChat(sns: SNSClient, chatTopicArn: string, environmentName: string, mail: Mail): Promise<void> {
  try {
    const notification = renderChatNotification(mail, environmentName);
    const published = await sns.send(new PublishCommand({ TopicArn: chatTopicArn, Message: JSON.stringify(notification) }));
    logger.info('Chat notification published', { subject: mail.subject, messageId: published.MessageId });
  } catch (error) {
    logger.error('Chat notification could not be published; the mail went out', {
      [CHAT_DELIVERY_LOG_FIELD]: CHAT_DELIVERY_FAILED,
      subject: mail.subject,
      error: errorName(error),
    });
  }
}
