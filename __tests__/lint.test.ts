import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

// ESLint loads its flat config as an ES module, which Jest's module system cannot; one child process
// lints every case with the project's own config.
const LINT_ALL = `
const { ESLint } = require('eslint');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const results = [];
  for (const { source, filename } of JSON.parse(input)) {
    const [result] = await eslint.lintText(source, { filePath: filename });
    results.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
  }
  process.stdout.write(JSON.stringify(results));
});
`;

/** Lints each source as if it were the file `filename` of the repository, with the project's own ESLint config. */
function lintAll(cases: { source: string; filename: string }[]): LintMessage[][] {
  const result = spawnSync(process.execPath, ['-e', LINT_ALL], { cwd: ROOT, input: JSON.stringify(cases), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ESLint failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as LintMessage[][];
}

const [aws, archive] = ['aws', 'archive'].map((provider) => `@cdktf/provider-${provider}`);

/** An import of `name` from `from`, used so that only the import rule can object. */
const importing = (name: string, from: string) => `import { ${name} } from '${from}';\nexport const used = [${name}];\n`;

const forbiddenImports: [string, string][] = [
  ['scripts/preview-example.ts', importing('runMain', '../__tests__/helpers/run-main')],
  ['fixtures/example.ts', importing('synthStack', '../__tests__/helpers/synth')],
  ['main-example.ts', importing('notifierHarness', './__tests__/lambdas/notifier/harness')],
  ['lambdas/notifier/example.ts', importing('failedUpdateInvocation', '../../fixtures/events')],
  ['stacks/example.ts', importing('cannedAws', '../fixtures/canned-aws')],
  ['config/example.ts', importing('FLEET', '../fixtures/events')],
];
const allowedImports: [string, string][] = [
  ['scripts/example.ts', importing('failedUpdateInvocation', '../fixtures/events')],
  ['__tests__/stacks/example.ts', importing('cannedAws', '../../fixtures/canned-aws')],
  ['__tests__/stacks/example-2.ts', importing('synthStack', '../helpers/synth')],
];

const providerCase = {
  filename: 'stacks/example.ts',
  source: [
    `import { provider } from '${aws}';`,
    `import * as archive from '${archive}';`,
    `import { SnsTopic } from '${aws}/lib/sns-topic';`,
    'export const used = [provider, archive, SnsTopic];',
    '',
  ].join('\n'),
};
const lambdaImport = "import { parseNotifierEvent } from '../lambdas/notifier/events';\nexport const used = [parseNotifierEvent];\n";
const layeringCases = ['stacks/example.ts', 'config/example.ts', 'contract/example.ts'].map((filename) => ({ filename, source: lambdaImport }));
const contractCases = [
  { filename: 'lambdas/notifier/example.ts', source: importing('LANGUAGES', '../../contract/languages') },
  {
    filename: 'contract/example.ts',
    source: [
      "import { arn } from '../stacks/aws-arn';",
      "import { loadEnvironments } from '../config/load';",
      "import { SSMClient } from '@aws-sdk/client-ssm';",
      "import { partition } from '@aws-sdk/util-endpoints';",
      'export const used = [arn, loadEnvironments, SSMClient, partition];',
      '',
    ].join('\n'),
  },
];
const importCases = [...forbiddenImports, ...allowedImports].map(([filename, source]) => ({ filename, source }));
const [providerMessages, ...otherMessages] = lintAll([providerCase, ...importCases, ...layeringCases, ...contractCases]);
const importMessages = otherMessages.slice(0, importCases.length);
const layeringMessages = otherMessages.slice(importCases.length, importCases.length + layeringCases.length);
const [contractFromLambda, contractMessages] = otherMessages.slice(importCases.length + layeringCases.length);

describe('lint rules', () => {
  it('forbids importing a provider package from its root, and allows deep imports', () => {
    expect(providerMessages).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('@cdktf/provider-aws/lib/<resource>') }),
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('@cdktf/provider-archive/lib/<resource>') }),
    ]);
  });

  it.each(forbiddenImports.map(([filename, source], index) => [filename, source.split('\n')[0], importMessages[index]]))(
    'forbids %s to %s: only tests import test code, and nothing deployed imports the fixtures',
    (_filename, _line, messages) => {
      expect(messages).toEqual([expect.objectContaining({ ruleId: 'no-restricted-imports' })]);
    },
  );

  it.each(allowedImports.map(([filename, source], index) => [filename, source.split('\n')[0], importMessages[forbiddenImports.length + index]]))(
    'lets %s %s',
    (_filename, _line, messages) => {
      expect(messages).toEqual([]);
    },
  );

  it.each(layeringCases.map(({ filename }, index) => [filename, layeringMessages[index]]))('forbids %s to import Lambda code', (_filename, messages) => {
    expect(messages).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('never import Lambda code') }),
    ]);
  });

  it('lets Lambda code import the contract, and keeps the contract free of stacks, config and SDK clients', () => {
    expect(contractFromLambda).toEqual([]);
    expect(contractMessages!.map((message) => message.message)).toEqual([
      expect.stringContaining('imports none of them'),
      expect.stringContaining('imports none of them'),
      expect.stringContaining('no AWS SDK clients'),
    ]);
  });
});
