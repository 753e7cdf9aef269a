import tseslint from 'typescript-eslint';

// The package roots load every resource class of the provider: seconds and hundreds of MB on every
// synth and test. Import each class from its own module instead.
const providerRoots = [
  { name: '@cdktf/provider-aws', message: 'Import from @cdktf/provider-aws/lib/<resource> instead.' },
  { name: '@cdktf/provider-archive', message: 'Import from @cdktf/provider-archive/lib/<resource> instead.' },
];
const testCode = {
  group: ['**/__tests__', '**/__tests__/**'],
  message: 'Only tests import from __tests__/; what scripts share with tests lives in fixtures/.',
};
const fixtures = {
  group: ['**/fixtures', '**/fixtures/**'],
  message: 'fixtures/ serves tests and scripts; nothing that is synthesized or deployed may depend on it.',
};
const restrictImports = (...patterns) => ({ 'no-restricted-imports': ['error', { paths: providerRoots, patterns }] });

// The contract is what the stacks and the Lambdas share; neither reaches into the other's code.
// __tests__/layering.test.ts checks the same rules across whole import chains.
const noLambdaCode = {
  group: ['**/lambdas', '**/lambdas/**'],
  message: 'config/, stacks/ and contract/ never import Lambda code; move shared vocabulary to contract/.',
};
const contractStandsAlone = {
  group: ['**/config', '**/config/**', '**/stacks', '**/stacks/**', '**/scripts/**', '**/__tests__/**'],
  message: 'contract/ sits beneath config/, stacks/ and lambdas/ and imports none of them.',
};
const noSdkClients = {
  group: ['@aws-sdk/client-*', '@aws-sdk/lib-*', 'cdktf', 'cdktf/**', '@cdktf/**', 'constructs'],
  message: 'contract/ is bundled into every Lambda: no AWS SDK clients, no CDKTF.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdktf.out/', 'coverage/', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      ...restrictImports(testCode),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // What is synthesized or deployed: the apps, their settings, stacks, contract and Lambdas.
    files: ['main.ts', 'bootstrap.ts', 'config/**', 'contract/**', 'stacks/**', 'lambdas/**'],
    rules: restrictImports(testCode, fixtures),
  },
  {
    // ESLint replaces a rule's options per matching block, so each block lists every pattern it keeps.
    files: ['config/**/*.ts', 'stacks/**/*.ts'],
    rules: restrictImports(testCode, fixtures, noLambdaCode),
  },
  {
    files: ['contract/**/*.ts'],
    rules: restrictImports(testCode, fixtures, noLambdaCode, contractStandsAlone, noSdkClients),
  },
  {
    // CommonJS preload scripts for child processes.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read synthesized Terraform JSON, which has no static type, and load modules in isolation.
    files: ['__tests__/**/*.ts'],
    rules: {
      ...restrictImports(),
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
