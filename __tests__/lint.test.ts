import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** Lints `source` as if it were a file of the stacks folder, with the project's own ESLint config. */
function lint(source: string): { ruleId: string | null; message: string }[] {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', 'stacks/example.ts', '--format', 'json'],
    { cwd: ROOT, input: source, encoding: 'utf8' },
  );
  return (JSON.parse(result.stdout) as { messages: { ruleId: string | null; message: string }[] }[])[0]!.messages;
}

describe('lint rules', () => {
  it('forbids importing a provider package from its root, and allows deep imports', () => {
    const [aws, archive] = ['aws', 'archive'].map((provider) => `@cdktf/provider-${provider}`);
    const messages = lint(
      [
        `import { provider } from '${aws}';`,
        `import * as archive from '${archive}';`,
        `import { SnsTopic } from '${aws}/lib/sns-topic';`,
        'export const used = [provider, archive, SnsTopic];',
        '',
      ].join('\n'),
    );
    expect(messages).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('@cdktf/provider-aws/lib/<resource>') }),
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('@cdktf/provider-archive/lib/<resource>') }),
    ]);
  });
});
