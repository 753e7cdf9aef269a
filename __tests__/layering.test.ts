import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');

/** Every TypeScript file under a folder of the repository. */
function sourcesUnder(folder: string): string[] {
  const directory = join(ROOT, folder);
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .map((name) => join(directory, name))
    .filter((path) => path.endsWith('.ts') && statSync(path).isFile());
}

/** The file a relative import names, as Node.js and esbuild resolve it. */
function resolveRelative(from: string, specifier: string): string {
  const base = join(dirname(from), specifier);
  const candidate = ['', '.ts', '.js', '.cjs', '.json', `${sep}index.ts`].map((suffix) => base + suffix).find((path) => existsSync(path) && statSync(path).isFile());
  if (!candidate) throw new Error(`${relative(ROOT, from)} imports ${specifier}, which does not resolve`);
  return candidate;
}

/**
 * Everything the files reach by following imports (static, `require` and dynamic) from file to file:
 * the repository files, and the packages named on the way.
 */
function reachableFrom(entries: readonly string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!/\.[cm]?[jt]s$/.test(file)) continue;
    for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (specifier.startsWith('.')) pending.push(resolveRelative(file, specifier));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

/** Repository paths of the reached files under one of the folders. */
function inside(files: Set<string>, folders: readonly string[]): string[] {
  return [...files].map((file) => relative(ROOT, file).split(sep).join('/')).filter((path) => folders.some((folder) => path.startsWith(`${folder}/`)));
}

describe('layering', () => {
  it('lets nothing in config/ or stacks/ reach Lambda code, however indirectly', () => {
    const entries = [...sourcesUnder('config'), ...sourcesUnder('stacks')];
    expect(entries.length).toBeGreaterThan(10);
    const { files } = reachableFrom(entries);
    expect(inside(files, ['contract']).length).toBeGreaterThan(0);
    expect(inside(files, ['lambdas'])).toEqual([]);
  });

  it('keeps the contract beneath everything else, and free of SDK clients and CDKTF', () => {
    const { files, packages } = reachableFrom(sourcesUnder('contract'));
    expect(inside(files, ['lambdas', 'stacks', 'config', 'scripts', '__tests__'])).toEqual([]);
    expect([...packages].filter((name) => /^(@aws-sdk\/(client|lib)-|cdktf|@cdktf\/|constructs)/.test(name))).toEqual([]);
  });

  it('keeps CDKTF and the configuration out of the Lambda bundles', () => {
    const { files, packages } = reachableFrom(sourcesUnder('lambdas'));
    expect(inside(files, ['stacks', 'config', 'scripts', '__tests__'])).toEqual([]);
    expect([...packages].filter((name) => /^(cdktf|@cdktf\/|constructs)/.test(name))).toEqual([]);
  });

  it('sees re-exports, requires, dynamic and type-only imports, as the checks above rely on', () => {
    const source = "export { x } from './a';\nconst y = require('./b');\nimport('./c');\nimport type { Z } from 'some-package';\n";
    expect(ts.preProcessFile(source, true, true).importedFiles.map((imported) => imported.fileName)).toEqual(['./a', './b', './c', 'some-package']);
  });
});
