import * as z from 'zod/mini';
import { optional, text, variableSet, type SettingsOf } from './function-environment';

const fields = {
  /** The topic the chat channel subscribes to; chat gets nothing when unset. */
  chatTopicArn: optional(text('CHAT_TOPIC_ARN', z.string().check(z.startsWith('arn:', 'an ARN')))),
  /** Whom the mails' closing note sends operators to instead of the unsubscribe link. */
  unsubscribeContact: optional(text('UNSUBSCRIBE_CONTACT')),
};

/** Where and how every function that publishes alerts delivers them, besides the mail topic itself. */
export type AlertDeliverySettings = SettingsOf<typeof fields>;

/**
 * The variables of every function the alert topic lets publish (`alertTopic.grantPublish(fn)` sets
 * them): the chat topic and the contact the mails name.
 */
export const alertDeliveryEnvironment = variableSet('alert delivery', fields);
