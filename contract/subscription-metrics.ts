/** The metrics the subscription check publishes in its environment's namespace. */

/** How many configured addresses have a confirmed e-mail subscription. */
export const CONFIRMED_SUBSCRIPTIONS_METRIC = 'ConfirmedSubscriptions';
/** How many configured addresses have none (unsubscribed, or pending too long). */
export const LOST_SUBSCRIPTIONS_METRIC = 'LostSubscriptions';
/** Heartbeat: 1 for every check that read every subscription, reported what it had to and remembered it. */
export const SUBSCRIPTION_CHECKS_METRIC = 'SubscriptionChecks';
