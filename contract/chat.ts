/**
 * Amazon Q Developer in chat applications (formerly AWS Chatbot): where its configuration API is
 * served, and what the product logs when a chat delivery fails.
 */

/** The Regions that serve the chat configuration API; a channel configuration is created in one of them. */
export const CHAT_CONFIGURATION_REGIONS = ['us-east-2', 'us-west-2', 'ap-southeast-1', 'eu-west-1'] as const;
export type ChatConfigurationRegion = (typeof CHAT_CONFIGURATION_REGIONS)[number];

/**
 * The configuration Region nearest an environment's Region, by the Region's geography: the choice
 * only decides where the configuration lives, not where notifications are sent from.
 */
export function nearestChatConfigurationRegion(region: string): ChatConfigurationRegion {
  if ((CHAT_CONFIGURATION_REGIONS as readonly string[]).includes(region)) return region as ChatConfigurationRegion;
  if (/^(ap|cn)-/.test(region)) return 'ap-southeast-1';
  if (/^(eu|il|me|af)-/.test(region)) return 'eu-west-1';
  if (/^(us-west|ca-west|us-gov-west)-/.test(region)) return 'us-west-2';
  return 'us-east-2';
}

/**
 * A failed chat delivery is logged with this field set to {@link CHAT_DELIVERY_FAILED}; a metric filter
 * on the publishing functions' logs counts such lines, and an alarm mails the count.
 */
export const CHAT_DELIVERY_LOG_FIELD = 'chatDelivery';
export const CHAT_DELIVERY_FAILED = 'failed';
/** Metric of failed chat deliveries, in the environment's namespace. */
export const CHAT_DELIVERY_FAILURES_METRIC = 'ChatDeliveryFailures';
