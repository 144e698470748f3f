import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, getIntrospectionQuery, parse, type OperationDefinitionNode } from 'graphql';
import { estimateCost } from '../src/limits/estimate-cost.ts';
import { measureDocument } from '../src/limits/measure-operation.ts';
import { DEFAULT_LIMITS } from '../src/limits/operation-limits.ts';
import { createQueryGuard } from '../src/limits/query-guard.ts';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    me: User
    orders(first: Int): OrderConnection!
  }
  type Mutation {
    placeOrder: Order!
  }
  type User {
    id: ID!
    name: String!
    orders(first: Int): OrderConnection!
  }
  type OrderConnection {
    edges: [OrderEdge!]!
    pageInfo: PageInfo!
  }
  type PageInfo {
    hasNextPage: Boolean!
  }
  type OrderEdge {
    node: Order!
  }
  type Order {
    id: ID!
    customer: User!
    items: [OrderItem!]!
  }
  type OrderItem {
    quantity: Int!
    product: Product!
  }
  type Product {
    name: String!
  }
`);

function cost(query: string, variables: Record<string, unknown> = {}, assumedListSize = 10) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  )!;
  return estimateCost({ schema, document, operation, variables, assumedListSize });
}

describe('operation shape', () => {
  it('counts depth, aliases, root fields, fields and directives through fragments', () => {
    const shape = measureDocument(
      parse(/* GraphQL */ `
        query {
          a: me {
            id
          }
          b: me @include(if: true) {
            ...U
          }
          orders {
            edges {
              node {
                id
              }
            }
          }
        }
        fragment U on User {
          n: name
          orders {
            edges {
              node {
                id @skip(if: false)
              }
            }
          }
        }
      `),
    );
    assert.deepEqual(shape, { depth: 5, aliases: 3, rootFields: 3, fields: 12, directives: 2 });
  });

  it('measures a fragment bomb without expanding it, and as large as it really is', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const document = parse(`{ me { ...F0 } } ${fragments} fragment F${levels} on User { id }`);
    const started = performance.now();
    const shape = measureDocument(document);
    assert.ok(performance.now() - started < 1000);
    assert.equal(shape.fields, 1 + 2 ** levels);
  });

  it('survives a fragment cycle (validation refuses it later)', () => {
    const shape = measureDocument(
      parse(`{ me { ...A } } fragment A on User { id ...B } fragment B on User { ...A }`),
    );
    assert.equal(shape.depth, 2);
  });
});

describe('introspection', () => {
  const guard = createQueryGuard(DEFAULT_LIMITS);
  const code = (query: string) => {
    const verdict = guard.check(query);
    return verdict.ok ? 'ok' : verdict.code;
  };

  it("lets an explorer's full introspection query through the default limits", () => {
    const full = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    assert.equal(code(full), 'ok');
    assert.equal(code(getIntrospectionQuery()), 'ok');
  });

  it('counts ofType as depth everywhere but under __schema and __type', () => {
    const chain = (levels: number) => `${'ofType { '.repeat(levels)}name${' }'.repeat(levels)}`;
    assert.equal(measureDocument(parse(`{ __type(name: "Order") { ${chain(9)} } }`)).depth, 2);
    assert.equal(measureDocument(parse(`{ me { ${chain(9)} } }`)).depth, 11);
  });

  it('still refuses introspection that nests types within fields past the depth limit', () => {
    const nested = `{ __type(name: "Order") { ${'fields { type { '.repeat(6)}name${' } }'.repeat(6)} } }`;
    assert.equal(code(nested), 'MAX_DEPTH_LIMIT');
  });
});

describe('query guard', () => {
  const guard = createQueryGuard({ ...DEFAULT_LIMITS, maxDepth: 4, maxAliases: 2, maxTokens: 60 });
  const code = (query: string) => {
    const verdict = guard.check(query);
    return verdict.ok ? 'ok' : verdict.code;
  };

  it('lets ordinary queries and syntax errors through (Apollo reports the latter)', () => {
    assert.equal(code('{ me { id name } }'), 'ok');
    assert.equal(code('{ me { id '), 'ok');
  });

  it('names the limit that was exceeded', () => {
    assert.equal(code('{ me { orders { edges { node { id } } } } }'), 'MAX_DEPTH_LIMIT');
    assert.equal(code('{ a: me { id } b: me { id } c: me { id } }'), 'MAX_ALIASES_LIMIT');
    assert.equal(code(`{ ${'me { id } '.repeat(20)} }`), 'MAX_TOKENS_LIMIT');
  });
});

describe('cost estimate', () => {
  it('multiplies a connection by first, and lists without first by the assumed size', () => {
    // 1 (connection) + 5 × (edge 1 + node 1 + customer 1 + 10 × (item 1 + product 1)) + pageInfo 1
    const query = /* GraphQL */ `
      query ($n: Int) {
        orders(first: $n) {
          pageInfo {
            hasNextPage
          }
          edges {
            node {
              id
              customer {
                name
              }
              items {
                product {
                  name
                }
              }
            }
          }
        }
      }
    `;
    assert.equal(cost(query, { n: 5 }), 1 + 1 + 5 * (3 + 10 * 2));
    assert.equal(cost(query, {}), 1 + 1 + 20 * (3 + 10 * 2));
    assert.equal(cost(query, { n: 50 }, 2), 1 + 1 + 50 * (3 + 2 * 2));
  });

  it('makes nested connections expensive and scalars free', () => {
    assert.equal(cost('{ me { id name } }'), 1);
    const nested = cost(`{ orders(first: 100) { edges { node { customer {
      orders(first: 100) { edges { node { id } } } } } } } }`);
    assert.equal(nested, 1 + 100 * (1 + 1 + 1 + 1 + 100 * 2));
  });

  it('counts Order.tasks at the bound its subgraph keeps it to, not the assumed size', () => {
    const tasksSchema = buildSchema(/* GraphQL */ `
      type Query {
        order: Order
      }
      type Order {
        tasks: [Task!]
        items: [Item!]!
      }
      type Task {
        assignee: User
      }
      type Item {
        id: ID!
      }
      type User {
        id: ID!
      }
    `);
    const query = '{ order { tasks { assignee { id } } items { id } } }';
    const document = parse(query);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const estimate = estimateCost({
      schema: tasksSchema,
      document,
      operation,
      variables: {},
      assumedListSize: 10,
    });
    assert.equal(estimate, 1 + 50 * (1 + 1) + 10 * 1);
  });

  it('charges mutations', () => {
    assert.equal(cost('mutation { placeOrder { id } }'), 10 + 1);
  });
});
