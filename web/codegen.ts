import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for every `graphql(...)` call in src/, from the router's API schema (which
 * `npm run generate` first writes with scripts/api-schema.ts). The output is never edited.
 */
const config: CodegenConfig = {
  schema: 'src/generated/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/generated/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // The router sends DateTime as an ISO-8601 string.
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        documentMode: 'documentNode',
      },
    },
  },
};

export default config;
