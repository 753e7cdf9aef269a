import tseslint from 'typescript-eslint';

// The package roots load every resource class of the provider: seconds and hundreds of MB on every
// synth and test. Import each class from its own module instead.
const providerRoots = [
  { name: '@cdktf/provider-aws', message: 'Import from @cdktf/provider-aws/lib/<resource> instead.' },
  { name: '@cdktf/provider-archive', message: 'Import from @cdktf/provider-archive/lib/<resource> instead.' },
];

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
  { ignores: ['node_modules/', 'dist/', 'cdktf.out/', 'coverage/', '**/*.js', '**/*.mjs', '__tests__/fixtures/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-restricted-imports': ['error', { paths: providerRoots }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['config/**/*.ts', 'stacks/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: providerRoots, patterns: [noLambdaCode] }] },
  },
  {
    files: ['contract/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: providerRoots, patterns: [noLambdaCode, contractStandsAlone, noSdkClients] }] },
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
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
