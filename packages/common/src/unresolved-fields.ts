/**
 * The fields of the GraphQL object type `Shape` that `Resolvers` has no resolver for and that
 * the parent row `Row` lacks, or holds with a type the SDL does not allow. The default resolver
 * reads such a field off the row, so it would be null at run time: a field renamed in the SDL
 * and not in the repository, for one. Generated resolver types check only the fields that
 * have a resolver.
 */
export type UnresolvedFields<Shape, Row, Resolvers> = {
  [K in Exclude<keyof Shape, keyof Resolvers | '__typename'>]-?: K extends keyof Row
    ? Row[K] extends Shape[K]
      ? never
      : K
    : K;
}[Exclude<keyof Shape, keyof Resolvers | '__typename'>];

/** Compiles only when `Fields` is `never`; otherwise the error names the fields. */
export type ExpectNone<Fields extends never> = Fields;
