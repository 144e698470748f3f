import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * A subgraph's GraphQL Code Generator config: resolver types from its SDL, so that a field
 * renamed there and not in resolvers/ fails tsc. `mappers` names what its resolvers return and
 * receive as parents (its repositories' rows, not the GraphQL shapes), by paths relative to
 * the generated file.
 */
export function subgraphCodegenConfig(mappers: Record<string, string>): CodegenConfig {
  return {
    schema: 'src/schema.graphql',
    generates: {
      'src/generated/resolvers-types.ts': {
        plugins: ['typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          // Paths are relative to the generated file and copied as written, `.ts` included as
          // in every import here. emitLegacyCommonJSImports stays at its default: it only adds
          // `.js` to paths that codegen works out itself, and this file has none.
          contextType: '../context.ts#Context',
          mappers,
          // The DateTime scalar parses to a Date, and the rows hold Dates.
          scalars: { DateTime: 'Date' },
          // verbatimModuleSyntax: the file holds only types, and `import type` is erased.
          useTypeImports: true,
          // Prisma's enums are string unions too, so rows and GraphQL values are the same type.
          enumsAsTypes: true,
        },
      },
    },
  };
}
