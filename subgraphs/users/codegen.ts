import { subgraphCodegenConfig } from '@supergraph/subgraph/codegen-config';

// The repository's rows leave the password hash in Postgres.
export default subgraphCodegenConfig({
  User: '../data/user-repository.ts#PublicUser',
});
