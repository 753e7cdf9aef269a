import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..');
/** Generated or installed, not part of the repository. */
const NOT_OURS = new Set(['.git', 'node_modules', 'dist', 'cdktf.out', 'cdktf.bootstrap.out', 'coverage', '.terraform']);
const SOURCE = /\.(ts|js|cjs|mjs)$/;

function repositoryFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (NOT_OURS.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? repositoryFiles(path) : [path];
  });
}

const outsideRepository = (path: string) => {
  const fromRoot = relative(ROOT, path);
  return fromRoot === '..' || fromRoot.startsWith(`..${sep}`);
};

/** Relative module specifiers (import, export, require, dynamic import, jest.doMock) and paths joined onto __dirname, resolved. */
function pathsNamedIn(file: string): { written: string; resolved: string }[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*|\bdoMock\(\s*)(['"])(\.{1,2}\/[^'"]*)\1/g)].map((match) => match[2]!);
  const joins = [...text.matchAll(/\b(?:join|resolve)\(\s*__dirname((?:\s*,\s*'[^']*')*)\s*\)/g)].map((match) =>
    [...match[1]!.matchAll(/'([^']*)'/g)].map((segment) => segment[1]!).join('/'),
  );
  return [...specifiers, ...joins].map((written) => ({ written, resolved: resolve(dirname(file), written) }));
}

describe('the repository', () => {
  const files = repositoryFiles();

  it('reads nothing outside itself: every relative import and every path built on __dirname stays inside', () => {
    const sources = files.filter((file) => SOURCE.test(file));
    expect(sources.length).toBeGreaterThan(50);
    const escaping = sources.flatMap((file) =>
      pathsNamedIn(file)
        .filter((path) => outsideRepository(path.resolved))
        .map((path) => `${relative(ROOT, file)}: ${path.written}`),
    );
    expect(escaping).toEqual([]);
  });

  it('names no sample-event folder beside it', () => {
    const texts = files.filter((file) => /\.(ts|js|cjs|mjs|json|md|ya?ml)$/.test(file) && !file.endsWith('package-lock.json'));
    const folder = ['shared', 'events'].join('/');
    const naming = texts.filter((file) => readFileSync(file, 'utf8').includes(folder));
    expect(naming.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('keeps test code to the tests: no file outside __tests__/ imports from it', () => {
    const importers = files
      .filter((file) => SOURCE.test(file) && !relative(ROOT, file).startsWith(`__tests__${sep}`))
      .filter((file) => pathsNamedIn(file).some((path) => !relative(join(ROOT, '__tests__'), path.resolved).startsWith('..')));
    expect(importers.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
