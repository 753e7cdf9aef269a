import type { Context } from 'aws-lambda';
import { notesInMemory } from '../../../fixtures/alert-notes';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createNotifier, type NotifierTiming } from '../../../lambdas/notifier/notifier';
import { accountDisplayNameReader } from '../../../lambdas/shared/display-name';
import { sdkClientConfig } from '../../../lambdas/shared/sdk';
import { ACCOUNT_DISPLAY_NAME, INSTANCE_NAMES, cannedSsmAnswers } from '../../../fixtures/canned-aws';
import { FLEET } from '../../../fixtures/events';
import { FakeAws } from '../../helpers/fake-aws';
import { contextWithTimeout, settings } from './harness';

/** Lambda's timeout for the notifier, as its construct sets it. */
export const NOTIFIER_TIMEOUT_MS = 60_000;

/**
 * A notifier whose AWS clients are real AWS SDK clients, talking HTTP to the wire-level fake, which
 * answers for the fixture fleet and into which faults and delays can be injected. Everything the SDK
 * does runs: serialization, each protocol's error parsing and classification, and the retries, with
 * the product's number of attempts. One thing differs from Lambda: the retry strategy is the SDK's
 * standard strategy without backoff delays (`ConfiguredRetryStrategy`), instead of the adaptive one
 * the product configures, which decides retries the same way and only adds waits. The packaged
 * artifact tests run the adaptive strategy, waits included.
 */
export async function wireNotifier(options: { timing?: Partial<NotifierTiming> } = {}) {
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'ssm-agent-ops-prod-notifier';
  const fake = new FakeAws(cannedSsmAnswers(), INSTANCE_NAMES);
  const endpoint = await fake.start();
  const clientConfig = {
    region: FLEET.region,
    endpoint,
    credentials: { accessKeyId: 'wire-test', secretAccessKey: 'wire-test' },
    maxAttempts: sdkClientConfig.maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(sdkClientConfig.maxAttempts, 0),
  };
  const ssm = new SSMClient(clientConfig);
  const handler = createNotifier({
    ssm,
    tagging: new ResourceGroupsTaggingAPIClient(clientConfig),
    sns: new SNSClient(clientConfig),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'ssm-agent-ops-prod-notifier-idempotency', awsSdkV3Client: new DynamoDBClient(clientConfig) }),
    accountDisplayName: accountDisplayNameReader(new SSMProvider({ awsSdkV3Client: ssm }), ACCOUNT_DISPLAY_NAME.parameterName),
    notes: notesInMemory(),
    settings,
    timing: options.timing,
  });

  /** Delivers one event as Lambda does: a fresh invocation with the function's timeout; resolves to whether it succeeded. */
  async function deliver(event: unknown, context: Context = contextWithTimeout(NOTIFIER_TIMEOUT_MS)): Promise<Delivery> {
    try {
      await handler(event, context);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  }

  return { fake, deliver, mails: () => fake.published(), stop: () => fake.stop() };
}

export type Delivery = { ok: true } | { ok: false; error: Error };
export type WireNotifier = Awaited<ReturnType<typeof wireNotifier>>;
