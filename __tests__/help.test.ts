import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES } from '../contract/languages';
import { RUNBOOKS, runbookLocation, type RunbookId } from '../contract/runbooks';

const ROOT = join(__dirname, '..');

describe('runbooks', () => {
  const ids = Object.keys(RUNBOOKS) as RunbookId[];

  it.each(ids.flatMap((id) => LANGUAGES.map((language) => [id, language] as const)))(
    '%s exists in %s, titled as the mails name it',
    (id, language) => {
      const { path, title } = runbookLocation(id, language);
      expect(existsSync(join(ROOT, path))).toBe(true);
      expect(readFileSync(join(ROOT, path), 'utf8').split('\n')[0]).toBe(`# ${title}`);
    },
  );

  it('are all named by some mail or alarm (no orphan files)', () => {
    const files = readdirSync(join(ROOT, 'help')).sort();
    expect(files).toEqual(ids.flatMap((id) => LANGUAGES.map((language) => `${id}.${language}.md`)).sort());
  });
});
