// One flat config for every workspace: each package runs `eslint src test` from its own folder.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ownSchemaOnly = (own) => ({
  files: [`subgraphs/${own}/**/*.ts`],
  rules: {
    // A subgraph reaches only its own Postgres schema; other services' data comes through
    // federation entities or jobs.
    'no-restricted-imports': [
      'error',
      {
        patterns: ['users', 'orders', 'tasks']
          .filter((s) => s !== own)
          .map((s) => ({
            group: [`@supergraph/prisma/${s}`, `@supergraph/${s}`],
            message: `the ${own} subgraph must not read the ${s} schema`,
          })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/generated/**', '**/node_modules/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  ownSchemaOnly('users'),
  ownSchemaOnly('orders'),
  ownSchemaOnly('tasks'),
  {
    // Mail renders and sends; how an email's job is run belongs to packages/email-jobs.
    files: ['packages/mail/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['bullmq', '@supergraph/queues', '@supergraph/email-jobs'] },
      ],
    },
  },
  { files: ['scripts/**', 'bench/**', '**/cli/**'], rules: { 'no-console': 'off' } },
  {
    // The web client runs in a browser, with React's rules of hooks.
    files: ['web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: globals.browser },
  },
  { files: ['web/scripts/**'], rules: { 'no-console': 'off' } },
);
