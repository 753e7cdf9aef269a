/**
 * What one subscription check finds and decides, without any AWS call: which configured addresses
 * still get alerts, which lost them and must be reported now, and what to remember for the next check
 * so that every loss is reported once.
 */

/** One subscription of the topic, as ListSubscriptionsByTopic lists it. */
export interface TopicSubscription {
  protocol: string;
  endpoint: string;
  /** An ARN once confirmed; `PendingConfirmation` until then. */
  subscriptionArn: string;
}

/** What the check remembers about an address between runs. */
export interface RememberedAddress {
  /** Lower-cased: mailbox providers, and this product's settings, ignore case. */
  address: string;
  /** When a check first found the address waiting for its confirmation. */
  pendingSince?: Date;
  /** When the loss of the address was reported; no further report until it is confirmed again. */
  lossReportedAt?: Date;
}

/** Why an address gets no alerts. */
export type LossReason = 'missing' | 'pending';

export type AddressStatus = 'confirmed' | 'pending' | 'missing';

export interface CheckInput {
  /** The configured addresses, as written in the settings. */
  emails: readonly string[];
  subscriptions: readonly TopicSubscription[];
  remembered: readonly RememberedAddress[];
  now: Date;
  /** A subscription pending longer than this is reported like a lost one. */
  maxPendingHours: number;
}

export interface CheckPlan {
  /** Every configured address and its subscription's state, in the settings' order. */
  statuses: { address: string; status: AddressStatus }[];
  /** Losses to report in this run: each address once until it is confirmed again. */
  newlyLost: { address: string; reason: LossReason }[];
  /** Addresses that get no alerts now, reported in this run or before. */
  lostCount: number;
  confirmedCount: number;
  /** What to remember, replacing what was remembered for these addresses. */
  remember: RememberedAddress[];
  /** Addresses to forget: confirmed again, or no longer configured. */
  forget: string[];
}

/** SNS shows a subscription awaiting its confirmation with this instead of an ARN. */
export const PENDING_CONFIRMATION = 'PendingConfirmation';

const STATUS_RANK: Record<AddressStatus, number> = { missing: 0, pending: 1, confirmed: 2 };

/** The state of an address's e-mail subscription: the best of its subscriptions, when it has several. */
export function statusOf(address: string, subscriptions: readonly TopicSubscription[]): AddressStatus {
  const mailbox = address.toLowerCase();
  let best: AddressStatus = 'missing';
  for (const subscription of subscriptions) {
    if (subscription.protocol !== 'email' || subscription.endpoint.toLowerCase() !== mailbox) continue;
    const status: AddressStatus = subscription.subscriptionArn === PENDING_CONFIRMATION ? 'pending' : subscription.subscriptionArn.startsWith('arn:') ? 'confirmed' : 'missing';
    if (STATUS_RANK[status] > STATUS_RANK[best]) best = status;
  }
  return best;
}

/** Decides what this check reports and remembers. */
export function planCheck(input: CheckInput): CheckPlan {
  const rememberedByAddress = new Map(input.remembered.map((entry) => [entry.address, entry]));
  const maxPendingMs = input.maxPendingHours * 60 * 60 * 1000;
  const plan: CheckPlan = { statuses: [], newlyLost: [], lostCount: 0, confirmedCount: 0, remember: [], forget: [] };
  const configured = new Set<string>();

  for (const email of input.emails) {
    const address = email.toLowerCase();
    configured.add(address);
    const status = statusOf(address, input.subscriptions);
    plan.statuses.push({ address: email, status });
    const remembered = rememberedByAddress.get(address);

    if (status === 'confirmed') {
      plan.confirmedCount++;
      if (remembered) plan.forget.push(address);
      continue;
    }
    const pendingSince = status === 'pending' ? (remembered?.pendingSince ?? input.now) : remembered?.pendingSince;
    const lost = status === 'missing' || input.now.getTime() - pendingSince!.getTime() >= maxPendingMs;
    if (lost) plan.lostCount++;
    if (remembered?.lossReportedAt) continue;
    if (lost) {
      plan.newlyLost.push({ address: email, reason: status === 'missing' ? 'missing' : 'pending' });
      plan.remember.push({ address, pendingSince, lossReportedAt: input.now });
    } else if (!remembered?.pendingSince) {
      plan.remember.push({ address, pendingSince });
    }
  }
  for (const address of rememberedByAddress.keys()) if (!configured.has(address)) plan.forget.push(address);
  return plan;
}
