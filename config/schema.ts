import { z } from 'zod';
import { regionFacts, regionProblem } from '../contract/aws-partitions';
import { CHAT_CONFIGURATION_REGIONS, nearestChatConfigurationRegion } from '../contract/chat';
import { FAILURE_STATUSES } from '../contract/events';
import { LANGUAGES } from '../contract/languages';
import { MISSING_SCOPES } from '../contract/shared-variables';
import {
  AGENT_CONFIGURATION_PLATFORMS,
  MAX_PARAMETER_HIERARCHY_LEVELS,
  PACKAGE_INSTALLATION_TYPES,
  SSM_PARAMETER_NAME_PATTERN,
  type AgentConfigurationPlatform,
} from '../contract/ssm-documents';
import { bucketNameProblem } from './bucket-name';
import { checkScheduleProblem } from './check-schedule';
import { scheduleProblem } from './schedule';

/**
 * The schema of one environment's settings. Every message below says what is allowed; the loader adds
 * the environment, the field and the offending value.
 */

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** Written instead of a number of days to keep logs forever; validated settings carry it as 0, like `retention_in_days`. */
export const NEVER_EXPIRE = 'never';

/** AWS allows this many user tags on a resource; provider default tags count towards it. */
export const MAX_TAGS_PER_RESOURCE = 50;
/** Tags the product adds itself: the bootstrap stack marks the state bucket with these. */
export const STATE_BUCKET_TAGS: Readonly<Record<string, string>> = { Purpose: 'terraform-state' };

export const LAMBDA_PACKAGING_MODES = ['archive', 'asset'] as const;
export type LambdaPackaging = (typeof LAMBDA_PACKAGING_MODES)[number];


// Patterns of the SSM API (CreateAssociation's MaxConcurrency and MaxErrors).
const MAX_CONCURRENCY = /^([1-9]\d*|[1-9]\d?%|100%)$/;
const MAX_ERRORS = /^([1-9]\d*|0|[1-9]?\d%|100%)$/;

const environmentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,19}$/, 'lower-case letters, digits and "-", 2-20 characters, starting with a letter');

const tagKey = z
  .string()
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, 'a tag key: 1-128 letters, digits, spaces and _ . : / = + - @')
  .refine((key) => !key.toLowerCase().startsWith('aws:'), 'a key that does not start with "aws:" (reserved by AWS)');

const tagValue = z
  .string()
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, 'a tag value: up to 256 letters, digits, spaces and _ . : / = + - @');

const tags = z.record(tagKey, tagValue).superRefine((userTags, context) => {
  const productTags = Object.keys(STATE_BUCKET_TAGS);
  const applied = new Set([...Object.keys(userTags), ...productTags]).size;
  if (applied > MAX_TAGS_PER_RESOURCE) {
    context.addIssue({
      code: 'custom',
      message: `at most ${MAX_TAGS_PER_RESOURCE} tags on a resource (AWS's limit), counting the ${productTags.join(', ')} tag the bootstrap stack adds to the state bucket; these make ${applied}`,
    });
  }
});

/** Terraform reads "${" and "%{" in any string of the synthesized JSON as a reference or a directive. */
const withoutTemplateSyntax = (text: string) => !/[$%]\{/.test(text);
const TEMPLATE_SYNTAX_RULE = 'text without "${" or "%{" (Terraform would read them as template syntax)';

/** A region the AWS SDK knows, in a partition whose console the mails can link to. */
const region = z.string().superRefine((code, context) => {
  const problem = regionProblem(code);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

const schedule = z.string().superRefine((expression, context) => {
  const problem = scheduleProblem(expression);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

const bucketName = z.string().superRefine((name, context) => {
  const problem = bucketNameProblem(name);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

const associationName = z
  .string()
  .regex(/^[a-zA-Z0-9_\-.]{3,128}$/, '3-128 characters from a-z A-Z 0-9 _ - .');

const parameterName = z
  .string()
  .regex(
    /^\/[a-zA-Z0-9_.\-/]{1,1010}$/,
    'a hierarchical SSM parameter name such as /ops/account-display-name (a-z A-Z 0-9 _ . - /)',
  )
  .refine((name) => !/^\/(aws|ssm)/i.test(name), 'a name that does not start with /aws or /ssm (reserved by AWS)');

export const MONITOR_SCOPES = ['all', 'update-targets'] as const;
/** CloudWatch namespaces: 1-255 characters, not starting with "AWS/" (reserved). */
const metricNamespaceName = z
  .string()
  .regex(/^[^:\p{Cc}]{1,255}$/u, 'a CloudWatch namespace: 1-255 characters, no ":" or control characters')
  .refine((name) => !name.startsWith('AWS/'), 'a namespace that does not start with "AWS/" (reserved by AWS)');

/** The agent health monitor's defaults (the README's configuration reference says why each). */
export const AGENT_MONITOR_DEFAULTS = {
  inventoryMinutes: 15,
  sweepMinutes: 120,
  alarmWritesPerSecond: 3,
  muteTag: { key: 'ssm-agent-ops:mute', value: 'true' },
  startGraceMinutes: 10,
  missingScope: 'update-targets',
  storm: { threshold: 10, windowMinutes: 5 },
} as const;
const MAX_START_GRACE_MINUTES = 120;
const START_GRACE_RULE = `whole minutes from 0 to ${MAX_START_GRACE_MINUTES}`;
const MIN_STORM_THRESHOLD = 1;
const MAX_STORM_THRESHOLD = 1000;
const STORM_THRESHOLD_RULE = `a whole number of transitions from ${MIN_STORM_THRESHOLD} to ${MAX_STORM_THRESHOLD}`;
const MIN_STORM_WINDOW_MINUTES = 1;
const MAX_STORM_WINDOW_MINUTES = 60;
const STORM_WINDOW_RULE = `whole minutes from ${MIN_STORM_WINDOW_MINUTES} to ${MAX_STORM_WINDOW_MINUTES}`;

const MIN_INVENTORY_MINUTES = 5;
const MAX_INVENTORY_MINUTES = 60;
const INVENTORY_MINUTES_RULE = `whole minutes from ${MIN_INVENTORY_MINUTES} to ${MAX_INVENTORY_MINUTES}`;
const MAX_SWEEP_MINUTES = 24 * 60;
const SWEEP_MINUTES_RULE = `whole minutes from ${MIN_INVENTORY_MINUTES} to ${MAX_SWEEP_MINUTES} (a day)`;
const MIN_ALARM_WRITES_PER_SECOND = 0.5;
const MAX_ALARM_WRITES_PER_SECOND = 100;
const ALARM_WRITES_RULE = `calls per second from ${MIN_ALARM_WRITES_PER_SECOND} to ${MAX_ALARM_WRITES_PER_SECOND}: the account's PutMetricAlarm quota (3 unless raised) or less`;

const documentName = z
  .string()
  .regex(/^[a-zA-Z0-9_\-.:/]{3,128}$/, 'an SSM document name: 3-128 characters from a-z A-Z 0-9 _ - . : /');

/**
 * The fields of one update association. Every field has its own default and the object defaults to
 * `{}`, so setting one field keeps the defaults of the others.
 */
function associationFields(defaultSchedule: string) {
  return {
    /** Defaults to `<environment>-<what it updates>`. */
    name: associationName.optional(),
    /** Association schedules run in UTC. */
    schedule: schedule.default(defaultSchedule),
    maxConcurrency: z.string().regex(MAX_CONCURRENCY, 'a count such as 10 or a percentage from 1% to 100%').default('100%'),
    maxErrors: z.string().regex(MAX_ERRORS, 'a count such as 0 or 10, or a percentage from 0% to 100%').default('0%'),
  };
}

/**
 * A parameter holding a CloudWatch Agent configuration, as AmazonCloudWatch-ManageAgent takes it: a
 * plain name (the agent's own wizard proposes `AmazonCloudWatch-linux`) or a hierarchical one. One
 * name: ManageAgent would read commas as a list of configurations to merge.
 */
const agentConfigurationParameter = z
  .string()
  .regex(
    new RegExp(SSM_PARAMETER_NAME_PATTERN),
    `an SSM parameter name such as AmazonCloudWatch-linux or /ops/cloudwatch-agent/linux: a-z A-Z 0-9 _ . -, and "/" before each of at most ${MAX_PARAMETER_HIERARCHY_LEVELS} levels`,
  )
  .max(1011, 'an SSM parameter name of at most 1011 characters')
  .refine((name) => !/^\/?(aws|ssm)/i.test(name), 'a name that does not start with aws or ssm, with or without "/" (reserved by AWS)');

/** A configuration for each platform that has one: a Linux configuration does not suit a Windows agent. */
const agentConfigurationByPlatform = z
  .strictObject({
    linux: agentConfigurationParameter.optional(),
    windows: agentConfigurationParameter.optional(),
  } satisfies Record<AgentConfigurationPlatform, unknown>)
  .refine((byPlatform) => Object.values(byPlatform).some((name) => name !== undefined), {
    message: `a parameter name for at least one of ${Object.keys(AGENT_CONFIGURATION_PLATFORMS).join(', ')}`,
  });

/** The CloudWatch Agent update association, and how it keeps the agent running with its configuration. */
const cloudWatchAgentUpdate = z
  .strictObject({
    ...associationFields('rate(30 days)'),
    /** How the package replaces an installed agent when AWS has published a newer one. */
    installationType: z
      .enum(PACKAGE_INSTALLATION_TYPES, `one of ${PACKAGE_INSTALLATION_TYPES.map((type) => JSON.stringify(type)).join(', ')}`)
      .default('Uninstall and reinstall'),
    /**
     * The parameter holding the agent's configuration, for every platform or per platform. Set, every
     * run also re-applies it and (re)starts the agent, through the environment's own document.
     */
    configurationParameter: z
      .union([agentConfigurationParameter, agentConfigurationByPlatform], {
        error: `a parameter name, or { ${Object.keys(AGENT_CONFIGURATION_PLATFORMS).join(', ')} } with a parameter name for each platform that has one`,
      })
      .optional(),
  })
  .prefault({});

/**
 * Addresses are compared ignoring case: the domain is case-insensitive (RFC 5321) and mailbox providers
 * ignore the case of the local part too. Two subscriptions of one mailbox would mail everything twice,
 * or, where SNS takes them for one endpoint, leave two Terraform resources owning one subscription.
 */
const emails = z
  .array(z.email('an e-mail address such as ops@example.com'))
  .min(1, 'at least one e-mail address')
  .superRefine((addresses, context) => {
    const firstIndexOf = new Map<string, number>();
    addresses.forEach((address, index) => {
      const mailbox = address.toLowerCase();
      const first = firstIndexOf.get(mailbox);
      if (first === undefined) firstIndexOf.set(mailbox, index);
      else {
        context.addIssue({
          code: 'custom',
          path: [index],
          input: address,
          message: `each address only once, ignoring case; alerts.emails[${first}] is already ${JSON.stringify(addresses[first])}`,
        });
      }
    });
  });

/** The periods of two years and more read better with their years beside them. */
function describeRetention(days: number): string {
  const years = Math.round(days / 365.25);
  return years >= 2 ? `${days} (${years} years)` : String(days);
}

const retentionAllowed = `a CloudWatch Logs retention in days: ${LOG_RETENTION_DAYS.map(describeRetention).join(', ')}; or "${NEVER_EXPIRE}" to keep logs forever`;

const logRetentionDays = z
  .union([z.number(), z.literal(NEVER_EXPIRE)], { error: retentionAllowed })
  .refine((days) => days === NEVER_EXPIRE || (LOG_RETENTION_DAYS as readonly number[]).includes(days), retentionAllowed)
  .transform((days) => (days === NEVER_EXPIRE ? 0 : days));

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Tokyo');

/** Either the stack creates the parameter from `value`, or it reads an existing parameter by name. */
const accountDisplayName = z.union(
  [
    z.strictObject({
      value: z
        .string()
        .max(4096, 'at most 4096 characters')
        .refine((name) => name.trim() !== '', 'a name that is not blank')
        .refine(withoutTemplateSyntax, TEMPLATE_SYNTAX_RULE),
      parameterName: parameterName.optional(),
    }),
    z.strictObject({ existingParameterName: parameterName }),
  ],
  { error: 'either { value } to create the parameter or { existingParameterName } to use one that exists' },
);

/** Text a mail quotes on one line of its own: no line breaks or control characters, no Terraform template syntax. */
const mailLine = (maxLength: number) =>
  z
    .string()
    .max(maxLength, `at most ${maxLength} characters`)
    .refine((text) => text.trim() !== '', 'text that is not blank')
    .refine((text) => !/[\p{Cc}]/u.test(text), 'one line without control characters')
    .refine(withoutTemplateSyntax, TEMPLATE_SYNTAX_RULE);

// Patterns of the chat configuration API (CreateSlackChannelConfiguration, CreateMicrosoftTeamsChannelConfiguration).
const uuid = z.string().regex(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/, 'a GUID such as 0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d');
const guardrailPolicyArn = z
  .string()
  .regex(/^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy\/[\w+=,.@\-/]{1,128}$/, 'an IAM policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess');
const chatChannelOptions = {
  /** Where the channel configuration is created; the nearest configuration Region to the environment's by default. */
  configurationRegion: z.enum(CHAT_CONFIGURATION_REGIONS, `one of ${CHAT_CONFIGURATION_REGIONS.join(', ')} (the Regions serving the chat configuration API)`).optional(),
  /** What channel members may do through the channel at most; nothing (AWSDenyAll) by default. */
  guardrailPolicyArns: z.array(guardrailPolicyArn).min(1, 'at least one policy ARN').optional(),
};
export const CHAT_CHANNELS = ['slack', 'teams', 'topic-only'] as const;
const chat = z.discriminatedUnion(
  'channel',
  [
    z.strictObject({
      channel: z.literal('slack'),
      workspaceId: z.string().regex(/^[0-9A-Z]{1,255}$/, 'a Slack workspace ID such as T07EA123LEP (upper-case letters and digits)'),
      channelId: z.string().regex(/^[A-Za-z0-9]{1,255}$/, 'a Slack channel ID such as C07EZ1ABC23 (letters and digits)'),
      ...chatChannelOptions,
    }),
    z.strictObject({
      channel: z.literal('teams'),
      teamId: uuid,
      channelId: z
        .string()
        .max(255, 'at most 255 characters')
        .regex(
          /^[\w\-=+/.,]*%3[aA][\w\-=+/.,]*%40[\w\-=+/.,]*$/,
          'a Microsoft Teams channel ID, URL-encoded as the chat console shows it, such as 19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
        ),
      tenantId: uuid,
      ...chatChannelOptions,
    }),
    /** Only the chat topic, for a channel configuration made elsewhere. */
    z.strictObject({ channel: z.literal('topic-only') }),
  ],
  { error: `an object whose channel is one of ${CHAT_CHANNELS.join(', ')}` },
);

// Patterns of the STS AssumeRole API: RoleSessionName and ExternalId.
const deployRole = z.strictObject({
  roleArn: z.string().regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@\-/]{1,64}$/, 'an IAM role ARN such as arn:aws:iam::111111111111:role/terraform-deploy'),
  externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, '2-1224 characters from a-z A-Z 0-9 and + = , . @ : / - _').optional(),
  sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/, '2-64 characters from a-z A-Z 0-9 and + = , . @ - _').optional(),
});

const organizationId = z.string().regex(/^o-[a-z0-9]{10,32}$/, 'an AWS Organizations ID such as o-a1b2c3d4e5');

/** What a field of the environment being checked needs to report a problem. */
type Refinement = z.core.$RefinementCtx<{ name: string }>;

function problem(context: Refinement, path: PropertyKey[], input: unknown, message: string): void {
  context.addIssue({ code: 'custom', path, input, message });
}

/** A spoke has no alerts of its own; everything else must name them. Whom a spoke names is checked across environments. */
function hubAndSpokeProblems(
  settings: { name: string; alerts?: unknown; chat?: unknown; hub?: unknown; notifyThrough?: string },
  context: Refinement,
): void {
  const { notifyThrough } = settings;
  if (notifyThrough === undefined) {
    if (settings.alerts === undefined) context.addIssue({ code: 'invalid_type', expected: 'object', path: ['alerts'], input: undefined, message: 'required' });
    return;
  }
  if (notifyThrough === settings.name) {
    problem(context, ['notifyThrough'], notifyThrough, 'the name of another environment, the hub (an environment cannot be its own hub)');
  }
  if (settings.hub !== undefined) {
    problem(context, ['hub'], settings.hub, `no hub setting on a spoke: this environment already notifies through ${notifyThrough}, and one environment has one hub`);
  }
  if (settings.alerts !== undefined) {
    problem(context, ['alerts'], settings.alerts, `no alerts on a spoke: its alerts are mailed by its hub ${notifyThrough}, to the hub's addresses`);
  }
  if (settings.chat !== undefined) {
    problem(context, ['chat'], settings.chat, `no chat on a spoke: its alerts reach chat through its hub ${notifyThrough}`);
  }
}

function regionsProblems(settings: { region: string; regions?: readonly string[] }, context: Refinement): void {
  const { regions } = settings;
  if (regions === undefined) return;
  regions.forEach((region, index) => {
    const first = regions.indexOf(region);
    if (first !== index) problem(context, ['regions', index], region, `each Region only once; regions[${first}] is already ${JSON.stringify(region)}`);
  });
  if (!regions.includes(settings.region)) {
    problem(context, ['regions'], regions, `a list that includes region (${JSON.stringify(settings.region)}), the environment's home Region, which keeps its stack's names`);
  }
}

/**
 * The deploy role must be in the environment's own account and partition: the provider works in the
 * account of the role it assumes, and allowed_account_ids would refuse any other.
 */
function deployRoleProblems(settings: { accountId: string; region: string; deployRole?: { roleArn: string } }, context: Refinement): void {
  const roleArn = settings.deployRole?.roleArn;
  if (roleArn === undefined) return;
  const [, partition, , , account] = roleArn.split(':');
  const expectedPartition = regionFacts(settings.region).partition;
  if (account !== settings.accountId || partition !== expectedPartition) {
    problem(
      context,
      ['deployRole', 'roleArn'],
      roleArn,
      `a role in the environment's own account ${settings.accountId} and partition ${expectedPartition} (arn:${expectedPartition}:iam::${settings.accountId}:role/...): the provider works in the role's account, and allowed_account_ids admits only ${settings.accountId}`,
    );
  }
}

export const environmentSchema = z
  .strictObject({
    name: environmentName,
    /** The provider refuses to touch any other account (allowed_account_ids). */
    accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account ID'),
    region,
    tags: tags.default({}),
    state: z.strictObject({
      bucket: bucketName,
      region,
    }),
    accountDisplayName,
    alerts: z.strictObject({
      topicName: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, 'an SNS topic name: 1-256 letters, digits, "_" and "-"'),
      emails,
      language: z.enum(LANGUAGES, `one of ${LANGUAGES.join(', ')}`).default('ja'),
      timeZone: timeZone.default('Asia/Tokyo'),
      /** Where the `help/` runbooks can be read (e.g. the repository's web view); mails link them. */
      runbookBaseUrl: z
        .url({ protocol: /^https$/, error: 'an https:// URL of the folder that holds help/' })
        .refine(withoutTemplateSyntax, TEMPLATE_SYNTAX_RULE)
        .optional(),
      /** Whom the mails' closing note sends operators to instead of the unsubscribe link. */
      unsubscribeContact: mailLine(200).optional(),
    })
      // A spoke mails through its hub and names no alerts of its own (checked below).
      .optional(),
    /** Optional delivery of the same alerts to Slack or Microsoft Teams. */
    chat: chat.optional(),
    subscriptionCheck: z
      .strictObject({
        /** When the check runs (UTC); 09:00 JST every day by default. */
        schedule: z
          .string()
          .superRefine((expression, context) => {
            const problem = checkScheduleProblem(expression);
            if (problem) context.addIssue({ code: 'custom', message: problem });
          })
          .default('cron(0 0 * * ? *)'),
        /** A subscription still waiting for its confirmation after this long is reported like a lost one. */
        maxPendingHours: z.number().int('a whole number of hours').min(1, 'from 1 to 72 hours').max(72, 'from 1 to 72 hours (SNS deletes a subscription that is not confirmed within 3 days)').default(24),
      })
      .prefault({}),
    failureAlerts: z
      .strictObject({
        /** Documents watched besides the two the associations run, e.g. AWS-RunShellScript for a test. */
        extraDocuments: z.array(documentName).default([]),
        statuses: z
          .array(z.enum(FAILURE_STATUSES, `one of ${FAILURE_STATUSES.join(', ')}`))
          .min(1, 'at least one status')
          .default(['Failed', 'TimedOut']),
      })
      .prefault({}),
    updateTargets: z
      .strictObject({
        tagKey: tagKey.default('ope-type'),
        tagValues: z.array(tagValue).min(1, 'at least one tag value').default(['auto']),
      })
      .prefault({}),
    ssmAgentUpdate: z.strictObject(associationFields('cron(0 5 ? * TUE *)')).prefault({}),
    cloudWatchAgentUpdate,
    agentMonitor: z
      .strictObject({
        /** Which managed nodes get an alarm: every node, or only those the update associations target. */
        scope: z.enum(MONITOR_SCOPES, `one of ${MONITOR_SCOPES.join(', ')}`).default('all'),
        /** How often the fleet inventory reconciles membership (new and departed nodes). */
        inventoryMinutes: z
          .number()
          .int(INVENTORY_MINUTES_RULE)
          .min(MIN_INVENTORY_MINUTES, INVENTORY_MINUTES_RULE)
          .max(MAX_INVENTORY_MINUTES, INVENTORY_MINUTES_RULE)
          .default(AGENT_MONITOR_DEFAULTS.inventoryMinutes),
        /** The period in which every known node is read once without a status filter (unknown statuses, deregistrations). */
        sweepMinutes: z.number().int(SWEEP_MINUTES_RULE).min(MIN_INVENTORY_MINUTES, SWEEP_MINUTES_RULE).max(MAX_SWEEP_MINUTES, SWEEP_MINUTES_RULE).default(AGENT_MONITOR_DEFAULTS.sweepMinutes),
        /** PutMetricAlarm calls per second at most: the account's quota (3 by default, adjustable), shared with every other tool. */
        alarmWritesPerSecond: z
          .number(ALARM_WRITES_RULE)
          .min(MIN_ALARM_WRITES_PER_SECOND, ALARM_WRITES_RULE)
          .max(MAX_ALARM_WRITES_PER_SECOND, ALARM_WRITES_RULE)
          .default(AGENT_MONITOR_DEFAULTS.alarmWritesPerSecond),
        /** Instances with this tag are watched and counted but never mailed (maintenance). */
        muteTag: z
          .strictObject({ key: tagKey.default(AGENT_MONITOR_DEFAULTS.muteTag.key), value: tagValue.default(AGENT_MONITOR_DEFAULTS.muteTag.value) })
          .prefault({}),
        /** Minutes after an EC2 instance starts (its LaunchTime) before its agent connection is judged. */
        startGraceMinutes: z.number().int(START_GRACE_RULE).min(0, START_GRACE_RULE).max(MAX_START_GRACE_MINUTES, START_GRACE_RULE).default(AGENT_MONITOR_DEFAULTS.startGraceMinutes),
        /** Which running EC2 instances that are not managed nodes are mailed as missing. */
        missingScope: z.enum(MISSING_SCOPES, `one of ${MISSING_SCOPES.join(', ')}`).default(AGENT_MONITOR_DEFAULTS.missingScope),
        /** More mailable transitions than `threshold` within `windowMinutes` are mailed as digests. */
        storm: z
          .strictObject({
            threshold: z.number().int(STORM_THRESHOLD_RULE).min(MIN_STORM_THRESHOLD, STORM_THRESHOLD_RULE).max(MAX_STORM_THRESHOLD, STORM_THRESHOLD_RULE).default(AGENT_MONITOR_DEFAULTS.storm.threshold),
            windowMinutes: z.number().int(STORM_WINDOW_RULE).min(MIN_STORM_WINDOW_MINUTES, STORM_WINDOW_RULE).max(MAX_STORM_WINDOW_MINUTES, STORM_WINDOW_RULE).default(AGENT_MONITOR_DEFAULTS.storm.windowMinutes),
          })
          .prefault({}),
      })
      .superRefine((monitor, context) => {
        if (monitor.sweepMinutes < monitor.inventoryMinutes) {
          context.addIssue({
            code: 'custom',
            path: ['sweepMinutes'],
            input: monitor.sweepMinutes,
            message: `at least agentMonitor.inventoryMinutes (${monitor.inventoryMinutes}): every inventory run reads a part of the sweep`,
          });
        }
      })
      .prefault({}),
    /** The weekly fleet report: whether the fleet is really current, one mail (and chat message) a week. */
    weeklyReport: z
      .strictObject({
        /** When the report is sent (UTC): Monday 09:00 JST by default. */
        schedule: schedule.default('cron(0 0 ? * MON *)'),
        /** The CloudWatch Agent's metric namespace (its configuration's `namespace`, CWAgent unless changed). */
        cloudWatchAgentNamespace: metricNamespaceName.default('CWAgent'),
      })
      .prefault({}),
    lambdaPackaging: z.enum(LAMBDA_PACKAGING_MODES, `one of ${LAMBDA_PACKAGING_MODES.join(', ')}`).default('archive'),
    /** 0 once validated means never expire. */
    logRetentionDays: logRetentionDays.default(90),
    /** A role every AWS provider of the stack assumes, so that one pipeline credential plans every account. */
    deployRole: deployRole.optional(),
    /** Every Region the environment covers, `region` (its home) among them; just `region` when absent. */
    regions: z.array(region).min(1, 'at least one Region').optional(),
    /**
     * This environment is the notification hub of the environments that name it in `notifyThrough`:
     * `true`, or `{ organizationId }` to admit every account of the organisation to its event bus.
     */
    hub: z.union([z.literal(true), z.strictObject({ organizationId })], { error: 'true, or { organizationId } such as { organizationId: "o-a1b2c3d4e5" }' }).optional(),
    /** The hub environment whose topic and notifier this environment's alerts go through (a spoke). */
    notifyThrough: environmentName.optional(),
  })
  .transform((settings) => ({
    ...settings,
    ssmAgentUpdate: { ...settings.ssmAgentUpdate, name: settings.ssmAgentUpdate.name ?? `${settings.name}-update-ssm-agent` },
    cloudWatchAgentUpdate: {
      ...settings.cloudWatchAgentUpdate,
      name: settings.cloudWatchAgentUpdate.name ?? `${settings.name}-update-cloudwatch-agent`,
    },
    accountDisplayName:
      'value' in settings.accountDisplayName
        ? {
            value: settings.accountDisplayName.value,
            parameterName: settings.accountDisplayName.parameterName ?? `/ops/ssm-agent-ops/${settings.name}/account-display-name`,
            create: true as const,
          }
        : { parameterName: settings.accountDisplayName.existingParameterName, create: false as const },
    chat:
      settings.chat && settings.chat.channel !== 'topic-only'
        ? { ...settings.chat, configurationRegion: settings.chat.configurationRegion ?? nearestChatConfigurationRegion(settings.region) }
        : settings.chat,
  }))
  .superRefine((settings, context) => {
    hubAndSpokeProblems(settings, context);
    regionsProblems(settings, context);
    deployRoleProblems(settings, context);
    if (settings.chat && regionFacts(settings.region).partition !== 'aws') {
      context.addIssue({
        code: 'custom',
        path: ['chat'],
        input: settings.chat,
        message: `no chat settings in ${settings.region}: Amazon Q Developer in chat applications serves the aws partition only`,
      });
    }
  });

/** Settings as written in `config/environments.ts`; omitted fields take the SPEC defaults. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
type ParsedSettings = z.output<typeof environmentSchema>;
/** How alert mails are addressed and written; a spoke takes its hub's (config/load.ts fills them in). */
export type AlertSettings = NonNullable<ParsedSettings['alerts']>;
/** Validated settings of one environment, defaults filled in. */
export type EnvironmentSettings = Omit<ParsedSettings, 'alerts'> & { alerts: AlertSettings };
/** The role an environment's providers assume. */
export type DeployRoleSettings = NonNullable<ParsedSettings['deployRole']>;
/** Validated settings of one update association. */
export type AssociationSettings = EnvironmentSettings['ssmAgentUpdate'];
/** Validated settings of the CloudWatch Agent update: an association, and what else each run does. */
export type CloudWatchAgentUpdateSettings = EnvironmentSettings['cloudWatchAgentUpdate'];
export type ChatSettings = NonNullable<EnvironmentSettings['chat']>;
