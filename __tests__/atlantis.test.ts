import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { minimatch } from 'minimatch';
import { parse } from 'yaml';
import { ATLANTIS_FILE, renderAtlantisYaml } from '../scripts/atlantis';
import { lambdaNames } from '../scripts/build';
import { runMain } from './helpers/run-main';

const ROOT = join(__dirname, '..');

interface Project {
  name: string;
  dir: string;
  autoplan: { enabled: boolean; when_modified: string[] };
}

/**
 * Whether a pull request changing `file` (relative to the repository root) autoplans `project`, as
 * Atlantis decides it: each `when_modified` pattern is joined to the project's directory (Go's
 * filepath.Join, which cleans `..`), then matched with .dockerignore rules, where a pattern also
 * matches every file below a matching directory and a later `!pattern` can exclude again.
 */
function autoplans(project: Project, file: string): boolean {
  if (!project.autoplan.enabled) return false;
  const patterns = project.autoplan.when_modified.map((pattern) => {
    const exclusion = pattern.startsWith('!');
    return { exclusion, glob: posix.join(project.dir, exclusion ? pattern.slice(1) : pattern) };
  });
  const selfAndParents = file.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.exclusion !== matched) continue;
    if (selfAndParents.some((path) => minimatch(path, pattern.glob, { dot: true }))) matched = !pattern.exclusion;
  }
  return matched;
}

// esbuild verifies its typed arrays come from its own realm, which Jest's sandbox breaks: it runs in
// a child process. It follows every import of the app and of each Lambda handler, as the synth does.
const LIST_INPUTS = `
const { build } = require('esbuild');
build({ entryPoints: JSON.parse(process.argv[1]), bundle: true, write: false, metafile: true, outdir: 'unwritten', platform: 'node', packages: 'external', logLevel: 'silent' })
  .then((result) => process.stdout.write(JSON.stringify(Object.keys(result.metafile.inputs))));
`;

/** Every file of the repository whose change can change a synthesized stack. */
function synthInputs(): string[] {
  const entryPoints = ['main.ts', ...lambdaNames().map((name) => `lambdas/${name}/handler.ts`)];
  const result = spawnSync(process.execPath, ['-e', LIST_INPUTS, JSON.stringify(entryPoints)], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`esbuild failed: ${result.stderr}`);
  const imported = (JSON.parse(result.stdout) as string[]).filter((input) => !input.startsWith('node_modules/'));
  // What pins how the app runs and the Lambdas are bundled: cdktf.json starts the app, scripts/build.ts
  // bundles the Lambdas, tsconfig.json steers both compilers, the package files fix every dependency.
  return [...imported, 'cdktf.json', 'scripts/build.ts', 'tsconfig.json', 'package.json', 'package-lock.json'];
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).map((name) => `${dir}/${name}`);
}

describe('atlantis.yaml', () => {
  const committed = readFileSync(ATLANTIS_FILE, 'utf8');
  const config = parse(committed) as { projects: Project[] };

  it('is what `npm run atlantis` generates from the current settings (run it after changing them)', () => {
    expect(committed).toBe(renderAtlantisYaml());
  });

  it('has one project for exactly each synthesized stack, planned in its stack directory', () => {
    const { outdir } = runMain();
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    const synthesized = Object.entries<{ workingDirectory: string }>(manifest.stacks).map(([name, stack]) => ({
      name,
      dir: `cdktf.out/${stack.workingDirectory}`,
    }));
    const projects = config.projects.map((project) => ({ name: project.name, dir: project.dir }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(projects.sort(byName)).toEqual(synthesized.sort(byName));
  });

  it('autoplans every stack when a pull request changes any file that feeds the synth', () => {
    const inputs = synthInputs();
    expect(inputs).toEqual(expect.arrayContaining(['main.ts', 'config/environments.ts', 'stacks/ssm-agent-ops-stack.ts', 'lambdas/notifier/handler.ts', 'lambdas/shared/sdk.ts']));
    // Files of folders that exist only later (or only in some branches) must trigger it too.
    const future = ['contract/names.ts', 'config/nested/rules.ts', 'stacks/constructs/topic.ts', 'lambdas/new-function/handler.ts'];
    for (const project of config.projects) {
      expect([...inputs, ...future].filter((file) => !autoplans(project, file))).toEqual([]);
    }
  });

  it('does not autoplan for documentation, runbooks, tests, fixtures or the other scripts', () => {
    const unrelated = [
      'README.md',
      'DEVELOPERS.md',
      ...filesUnder('help'),
      '__tests__/atlantis.test.ts',
      'fixtures/events.ts',
      'fixtures/events/run-command-invocation.failed.json',
      'scripts/preview.ts',
      'scripts/bench.ts',
      'scripts/atlantis.ts',
      'bootstrap.ts',
      '.ci/run',
    ];
    expect(filesUnder('help').length).toBeGreaterThan(1);
    for (const project of config.projects) {
      expect(unrelated.filter((file) => autoplans(project, file))).toEqual([]);
    }
  });

  it('lists no path git ignores: an ignored file, like the synthesized cdk.tf.json, never counts as modified', () => {
    const ignoredDirs = readFileSync(join(ROOT, '.gitignore'), 'utf8')
      .split('\n')
      .filter((line) => line.endsWith('/'));
    expect(ignoredDirs).toContain('cdktf.out/');
    for (const project of config.projects) {
      const resolved = project.autoplan.when_modified.map((pattern) => posix.join(project.dir, pattern.replace(/^!/, '')));
      expect(resolved.filter((path) => ignoredDirs.some((dir) => path.startsWith(dir)))).toEqual([]);
      expect(autoplans(project, `${project.dir}/cdk.tf.json`)).toBe(false);
    }
  });
});
