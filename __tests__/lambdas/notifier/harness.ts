import type { Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { accountDisplayNameReader } from '../../../lambdas/shared/display-name';
import { createNotifier, type NotifierSettings, type NotifierTiming } from '../../../lambdas/notifier/notifier';
import type { NoteReader } from '../../../lambdas/notifier/note-reader';
import { notesInMemory } from '../../../fixtures/alert-notes';
import { ACCOUNT_DISPLAY_NAME, cannedAws } from '../../../fixtures/canned-aws';
import { FLEET_AGENT_ALARM_PREFIX, FLEET } from '../../../fixtures/events';

const TOPIC_ARN = `arn:aws:sns:${FLEET.region}:${FLEET.account}:OPE`;

export const settings: NotifierSettings = {
  topicArn: TOPIC_ARN,
  watchedStatuses: ['Failed', 'TimedOut'],
  agentAlarmPrefix: FLEET_AGENT_ALARM_PREFIX,
  language: 'ja',
  timeZone: 'Asia/Tokyo',
  environmentName: 'prod',
};


/** A Lambda context whose remaining time runs out `timeoutMs` after it is made, as Lambda's does. */
export function contextWithTimeout(timeoutMs: number, requestId = 'request-1'): Context {
  const deadline = Date.now() + timeoutMs;
  return { ...lambdaContext, awsRequestId: requestId, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}

export const lambdaContext = {
  functionName: 'ssm-agent-ops-prod-notifier',
  invokedFunctionArn: `arn:aws:lambda:${FLEET.region}:${FLEET.account}:function:ssm-agent-ops-prod-notifier`,
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/**
 * A notifier wired to fresh mocked AWS clients that answer like AWS for the fixture fleet
 * (fixtures/canned-aws.ts), with an in-memory idempotency table. Tests change the answers they care
 * about through the returned mocks.
 */
export function notifierHarness(overrides: Partial<NotifierSettings> = {}, timing?: Partial<NotifierTiming>, notes: NoteReader = notesInMemory()) {
  process.env.AWS_LAMBDA_FUNCTION_NAME = lambdaContext.functionName;
  const aws = cannedAws();
  const handler = createNotifier({
    ssm: aws.ssm,
    tagging: aws.tagging,
    sns: aws.sns,
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'ssm-agent-ops-prod-notifier-idempotency', awsSdkV3Client: aws.dynamodb }),
    accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: aws.ssm }), ACCOUNT_DISPLAY_NAME.parameterName),
    notes,
    settings: { ...settings, ...overrides },
    timing,
  });

  return {
    handler: (event: unknown, context: Context = lambdaContext) => handler(event, context),
    ssm: aws.ssmMock,
    tagging: aws.taggingMock,
    sns: aws.snsMock,
    table: aws.table,
    mails: aws.mails,
  };
}
