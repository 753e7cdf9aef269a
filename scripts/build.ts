/**
 * Bundles every Lambda under `lambdas/<function>/handler.ts` into `dist/<function>/index.js` with
 * esbuild. Output depends only on the sources and the locked dependencies, so synths stay
 * byte-identical.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const ROOT = resolve(__dirname, '..');
export const LAMBDAS_DIR = join(ROOT, 'lambdas');
export const DIST_DIR = join(ROOT, 'dist');

/** Names of the functions to bundle: every folder of `lambdas/` with a `handler.ts` (not `shared`). */
export function lambdaNames(): string[] {
  if (!existsSync(LAMBDAS_DIR)) return [];
  return readdirSync(LAMBDAS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(LAMBDAS_DIR, entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** esbuild settings shared by every function. */
export const bundleOptions: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // ESM entry points of the AWS SDK tree-shake better than their CommonJS builds.
  mainFields: ['module', 'main'],
  minify: true,
  // Not keepNames: it wraps every function and class of the SDK to keep its name, 32 KiB of the
  // notifier that every cold start parses. Errors keep their names (the SDK, Powertools and this
  // product set them explicitly), and those names and messages are what the logs record.
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  // The alias below is resolved from here, whatever directory the build runs in.
  absWorkingDir: ROOT,
  // The SDK's default credential chain, replaced by the links Lambda uses (see the module).
  alias: { '@aws-sdk/credential-provider-node': './lambdas/shared/lambda-credentials.ts' },
};

async function main() {
  const names = lambdaNames();
  // A function renamed or removed must not leave its old bundle behind for a synth to pick up.
  if (existsSync(DIST_DIR)) {
    for (const stale of readdirSync(DIST_DIR).filter((entry) => !names.includes(entry))) rmSync(join(DIST_DIR, stale), { recursive: true, force: true });
  }
  await Promise.all(
    names.map(async (name) => {
      const outdir = join(DIST_DIR, name);
      rmSync(outdir, { recursive: true, force: true });
      await build({
        ...bundleOptions,
        entryPoints: { index: join(LAMBDAS_DIR, name, 'handler.ts') },
        outdir,
      });
    }),
  );
  console.log(names.length > 0 ? `Bundled ${names.join(', ')} into dist/` : 'No Lambda functions to bundle yet.');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
