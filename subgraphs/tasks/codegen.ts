import { subgraphCodegenConfig } from '@supergraph/subgraph/codegen-config';

// A row has `ownerId` where the type has `owner`. Users and orders belong to other subgraphs:
// here they are references, `{ id }`, as federation types them.
export default subgraphCodegenConfig({
  Task: '../data/task-repository.ts#Task as TaskRow',
});
