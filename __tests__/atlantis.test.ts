import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ATLANTIS_FILE, renderAtlantisYaml } from '../scripts/atlantis';
import { runMain } from './helpers/run-main';

describe('atlantis.yaml', () => {
  const committed = readFileSync(ATLANTIS_FILE, 'utf8');
  const config = parse(committed);

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
    const projects = config.projects.map((project: any) => ({ name: project.name, dir: project.dir }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(projects.sort(byName)).toEqual(synthesized.sort(byName));
  });

  it('autoplans a stack when its synthesized JSON or any source that feeds it changes', () => {
    for (const project of config.projects) {
      expect(project.autoplan.enabled).toBe(true);
      expect(project.autoplan.when_modified).toEqual(
        expect.arrayContaining([
          'cdk.tf.json',
          '../../../main.ts',
          '../../../config/**/*.ts',
          '../../../stacks/**/*.ts',
          '../../../lambdas/**/*.ts',
          '../../../package-lock.json',
        ]),
      );
    }
  });
});
