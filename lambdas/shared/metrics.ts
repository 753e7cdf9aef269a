import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { describeFailure } from './aws-errors';
import { logger } from './powertools';

/** CloudWatch accepts at most this many values in one PutMetricData call. */
export const MAX_DATA_PER_PUT = 1000;

/**
 * Publishes `data` in calls of up to 1,000 values, in order; `last` goes into the final call, which is
 * only made when every earlier call succeeded (a heartbeat must not claim what did not happen).
 * Never throws: what is not published is logged, and the caller learns whether all of it was.
 */
export async function publishMetrics(
  cloudwatch: CloudWatchClient,
  namespace: string,
  data: readonly MetricDatum[],
  last: readonly MetricDatum[] = [],
  signal?: AbortSignal,
): Promise<{ published: boolean; calls: number }> {
  const batches = chunk([...data, ...last], MAX_DATA_PER_PUT);
  const final = batches.pop() ?? [];
  const put = (batch: MetricDatum[]) => cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: batch }), { abortSignal: signal });
  let calls = batches.length;
  // Settled, not raced: every call is finished, one way or the other, before this returns.
  const failure = (await Promise.allSettled(batches.map(put))).find((result) => result.status === 'rejected');
  try {
    if (failure) throw failure.reason;
    if (final.length > 0) {
      calls += 1;
      await put(final);
    }
    return { published: true, calls };
  } catch (error) {
    logger.error('Metrics not published; the next run publishes its own', { values: data.length + last.length, ...describeFailure(error) });
    return { published: false, calls };
  }
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}
