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
