import { build } from 'esbuild';
import { bundleOptions, LAMBDAS_DIR } from '../../../scripts/build';

/** The notifier as esbuild bundles it for Lambda, with the list of what went into it. */
async function notifierBundle() {
  const result = await build({ ...bundleOptions, entryPoints: { index: `${LAMBDAS_DIR}/notifier/handler.ts` }, write: false, metafile: true, outdir: 'unused' });
  const [output] = Object.values(result.metafile.outputs);
  return { bytes: output!.bytes, packages: new Set(Object.keys(output!.inputs).map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1]).filter(Boolean)) };
}

// The size is a budget for every cold start; `npm run bench` measures what it costs in time.
describe('the notifier bundle', () => {
  // 500 KiB until a hub's notifier learned to read its spokes through their roles (the STS client,
  // 18 KiB) and to mail stopped instances, storm digests and missing instances (their words, 15 KiB).
  it('stays within 530 KiB', async () => {
    expect((await notifierBundle()).bytes).toBeLessThanOrEqual(530 * 1024);
  });

  it('carries neither the EC2 client nor credential sources Lambda never uses', async () => {
    const { packages } = await notifierBundle();
    expect(packages).toContain('@aws-sdk/client-resource-groups-tagging-api');
    expect(packages).toContain('@aws-sdk/credential-provider-env');
    for (const unused of [
      '@aws-sdk/client-ec2',
      '@aws-sdk/credential-provider-node',
      '@aws-sdk/credential-provider-ini',
      '@aws-sdk/credential-provider-sso',
      '@aws-sdk/credential-provider-process',
      '@aws-sdk/credential-provider-web-identity',
      '@aws-sdk/nested-clients',
      '@smithy/credential-provider-imds',
    ]) {
      expect(packages).not.toContain(unused);
    }
  });
});
