import * as z from 'zod/mini';
import { json, optional, variableSet } from './function-environment';
import { missingScopeSchema, muteTagSchema, startGraceSchema, updateTargetTagSchema, type MissingScope } from './shared-variables';

/**
 * What a hub knows about each of its spokes (one environment's stack in one account and Region), in
 * one variable that every hub function can carry: the notifier uses it to read a spoke's command
 * output, Name tags, node details and display name through the spoke's read role; the weekly report
 * reads the spoke's registry, managed nodes, update results and agent metrics the same way.
 */
export interface Spoke {
  /** The spoke's environment name, as configured. */
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** The spoke's read-only role, which only the hub notifier's and weekly report's roles may assume. */
  readonly readRoleArn: string;
  /** The SSM parameter (in the spoke's account and Region) holding the spoke account's display name. */
  readonly displayNameParameter: string;
  /** The spoke's agent alarms are named with this prefix followed by the instance ID. */
  readonly agentAlarmPrefix: string;
  /** The failure statuses the spoke forwards. */
  readonly watchedStatuses: readonly string[];
  /** The spoke's alert notes table: its agent watch's mail decisions, which the hub's notifier reads. */
  readonly notesTable: string;
  /** What the hub's weekly report needs to report the spoke, from the spoke's own settings. */
  readonly report: SpokeReportSettings;
}

/** The spoke's settings its weekly report is read and written with (the hub reports its own stack with its own). */
export interface SpokeReportSettings {
  /** The spoke's node registry table. */
  readonly registryTable: string;
  /**
   * The spoke's two update associations, by name: their IDs exist only once the spoke is applied, so
   * the report finds them with ListAssociations.
   */
  readonly associationNames: { readonly ssmAgent: string; readonly cloudWatchAgent: string };
  readonly updateTargetTag: { readonly key: string; readonly values: readonly string[] };
  readonly muteTag: { readonly key: string; readonly value: string };
  readonly startGraceMinutes: number;
  readonly missingScope: MissingScope;
  /** The spoke's registry holds only update targets (agentMonitor.scope update-targets). */
  readonly registryScopedToTargets?: boolean;
  readonly cloudWatchAgentNamespace: string;
}

const spoke = z.object({
  environment: z.string().check(z.minLength(1)),
  account: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit account ID')),
  region: z.string().check(z.minLength(1)),
  readRoleArn: z.string().check(z.regex(/^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN')),
  displayNameParameter: z.string().check(z.startsWith('/', 'an SSM parameter name starting with /')),
  agentAlarmPrefix: z.string().check(z.minLength(1)),
  watchedStatuses: z.array(z.string().check(z.minLength(1))),
  notesTable: z.string().check(z.minLength(1)),
  report: z.object({
    registryTable: z.string().check(z.minLength(1)),
    associationNames: z.object({ ssmAgent: z.string().check(z.minLength(1)), cloudWatchAgent: z.string().check(z.minLength(1)) }),
    updateTargetTag: updateTargetTagSchema,
    muteTag: muteTagSchema,
    startGraceMinutes: startGraceSchema,
    missingScope: missingScopeSchema,
    registryScopedToTargets: z.optional(z.boolean()),
    cloudWatchAgentNamespace: z.string().check(z.minLength(1)),
  }),
});

/** The hub's spokes. */
export const spokesVariable = json<readonly Spoke[]>('HUB_SPOKES', z.array(spoke));

/**
 * The variables of a hub function that reaches into its spokes (the notifier and the weekly report). Unset in a stack without spokes, which then reads only its own
 * account and Region.
 */
export const hubEnvironment = variableSet('hub', { spokes: optional(spokesVariable) });

/** The spoke an event comes from, by its `account` and `region`; undefined for the hub's own events. */
export function spokeOf(spokes: readonly Spoke[] | undefined, account: string | undefined, region: string | undefined): Spoke | undefined {
  return spokes?.find((candidate) => candidate.account === account && candidate.region === region);
}
