import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** Lints `source` as if it were the file `filename` (a file of the stacks folder by default), with the project's own ESLint config. */
function lint(source: string, filename = 'stacks/example.ts'): { ruleId: string | null; message: string }[] {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', filename, '--format', 'json'],
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

  const lambdaImport = "import { parseNotifierEvent } from '../lambdas/notifier/events';\nexport const used = [parseNotifierEvent];\n";

  it.each(['stacks/example.ts', 'config/example.ts', 'contract/example.ts'])('forbids %s to import Lambda code', (filename) => {
    expect(lint(lambdaImport, filename)).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('never import Lambda code') }),
    ]);
  });

  it('lets Lambda code import the contract, and keeps the contract free of stacks, config and SDK clients', () => {
    expect(lint("import { LANGUAGES } from '../../contract/languages';\nexport const used = LANGUAGES;\n", 'lambdas/notifier/example.ts')).toEqual([]);
    const messages = lint(
      [
        "import { arn } from '../stacks/aws-arn';",
        "import { loadEnvironments } from '../config/load';",
        "import { SSMClient } from '@aws-sdk/client-ssm';",
        "import { partition } from '@aws-sdk/util-endpoints';",
        'export const used = [arn, loadEnvironments, SSMClient, partition];',
        '',
      ].join('\n'),
      'contract/example.ts',
    );
    expect(messages.map((message) => message.message)).toEqual([
      expect.stringContaining('imports none of them'),
      expect.stringContaining('imports none of them'),
      expect.stringContaining('no AWS SDK clients'),
    ]);
  });
});
