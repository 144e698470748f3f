import type { CodegenConfig } from '@graphql-codegen/cli';

/** Resolver types from the SDL, so that a field renamed there and not in resolvers/ fails tsc. */
const config: CodegenConfig = {
  schema: 'src/schema.graphql',
  generates: {
    'src/generated/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        // Paths are relative to the generated file and copied as written, `.ts` included as in
        // every import here. emitLegacyCommonJSImports stays at its default: it only adds `.js`
        // to paths that codegen works out itself, and this file has none.
        contextType: '../context.ts#Context',
        // What the resolvers return and receive as parents: the repository's rows, not the
        // GraphQL shapes (a row has `ownerId` where the type has `owner`). Users and orders
        // belong to other subgraphs: here they are references, `{ id }`, as federation types them.
        mappers: {
          Task: '../data/task-repository.ts#Task as TaskRow',
        },
        // @supergraph/common's DateTime parses to a Date, and the rows hold Dates.
        scalars: { DateTime: 'Date' },
        // verbatimModuleSyntax: the file holds only types, and `import type` is erased.
        useTypeImports: true,
        // Prisma's enums are string unions too, so rows and GraphQL values are the same type.
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
