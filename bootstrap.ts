import { App } from 'cdktf';
import { environments } from './config/environments';
import { exitOnConfigurationError, loadEnvironments } from './config/load';
import { STATE_BUCKET_TAGS, type EnvironmentSettings } from './config/schema';
import { StateBucketStack } from './stacks/state-bucket-stack';

function bootstrap(): void {
  const settings = loadEnvironments(environments);
  // Its own output directory, so that it never overwrites the environments' cdktf.out manifest.
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.bootstrap.out' });
  const buckets = new Map<string, EnvironmentSettings[]>();
  for (const environment of settings) buckets.set(environment.state.bucket, [...(buckets.get(environment.state.bucket) ?? []), environment]);
  for (const [bucket, sharing] of buckets) {
    new StateBucketStack(app, { bucket, region: sharing[0]!.state.region, tags: { ...commonTags(sharing), ...STATE_BUCKET_TAGS } });
  }
  app.synth();
}

/** The tags every environment sharing a bucket agrees on (an Environment tag, say, is left out). */
function commonTags(sharing: readonly EnvironmentSettings[]): Record<string, string> {
  const [first, ...others] = sharing;
  return Object.fromEntries(Object.entries(first!.tags).filter(([key, value]) => others.every((other) => other.tags[key] === value)));
}

exitOnConfigurationError(bootstrap);
