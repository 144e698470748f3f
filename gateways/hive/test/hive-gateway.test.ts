/**
 * Another router can serve our supergraph: Hive Gateway, with gateways/hive/gateway.config.ts,
 * serving the committed supergraph in front of the same subgraphs as our router, must give
 * clients the same data for the same operations, and refuse the same things with the same
 * codes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorCodes, freePort, postGraphQL, type GraphQLResponse } from '@supergraph/testing';
import {
  JWT_SECRET,
  SUBGRAPH_SECRET,
  SUPERGRAPH_FILE,
  seedProducts,
  signUp,
  startSystem,
  type Auth,
  type System,
} from '@supergraph/router/testing';
import { startHiveGateway, type HiveGateway } from '../src/start-hive-gateway.ts';

let system: System;
let hiveStarting: Promise<HiveGateway> | undefined;
let hive: HiveGateway;
let ada: Auth;
let bob: Auth;
let order: { id: string };

// Writes go through our router only, so that both gateways then read the same rows.
before(
  async () => {
    // Production, as gateway.config.ts runs Hive: masked errors on both sides.
    system = await startSystem({ production: true });
    // Hive takes seconds to start: it starts while the data is written.
    hiveStarting = startHiveGateway({
      port: await freePort(),
      supergraphPath: SUPERGRAPH_FILE,
      subgraphUrls: system.subgraphUrls,
      jwtSecret: JWT_SECRET,
      subgraphSecret: SUBGRAPH_SECRET,
      startTimeoutMs: 60_000,
    });
    const productIds = await seedProducts(system);
    ada = await signUp(system, 'ada@example.com', 'Ada');
    bob = await signUp(system, 'bob@example.com', 'Bob');
    const placed = await postGraphQL<{ placeOrder: { id: string } }>(
      system.url,
      /* GraphQL */ `
        mutation ($input: PlaceOrderInput!) {
          placeOrder(input: $input) {
            id
          }
        }
      `,
      {
        variables: {
          input: {
            items: [
              { productId: productIds[0], quantity: 2 },
              { productId: productIds[1], quantity: 1 },
            ],
          },
        },
        headers: bearer(ada),
      },
    );
    assert.equal(placed.errors, undefined, JSON.stringify(placed.errors));
    order = placed.data!.placeOrder;
    // The worker makes tasks from orders; it does not run here, so the task is made directly.
    const task = await postGraphQL(
      system.url,
      /* GraphQL */ `
        mutation ($input: CreateTaskInput!) {
          createTask(input: $input) {
            id
          }
        }
      `,
      { variables: { input: { title: 'Gift wrap', orderId: order.id } }, headers: bearer(ada) },
    );
    assert.equal(task.errors, undefined, JSON.stringify(task.errors));
    hive = await hiveStarting;
  },
  { timeout: 90_000 },
);

after(async () => {
  // Stops the child even when a step above failed, whether or not it had finished starting.
  await (await hiveStarting?.catch(() => undefined))?.stop();
  await system?.stop();
});

function bearer(auth: Auth): Record<string, string> {
  return { authorization: `Bearer ${auth.token}` };
}

/** The same operation through our router and through Hive, at the same time. */
async function both<T>(
  query: string,
  options: { auth?: Auth; variables?: Record<string, unknown> } = {},
): Promise<{ router: GraphQLResponse<T>; hive: GraphQLResponse<T> }> {
  const request = {
    variables: options.variables,
    headers: options.auth ? bearer(options.auth) : {},
  };
  const [router, theirs] = await Promise.all([
    postGraphQL<T>(system.url, query, request),
    postGraphQL<T>(hive.url, query, request),
  ]);
  return { router, hive: theirs };
}

/**
 * Both gave the same whole answer: status, data and errors, messages included. Both pass the
 * subgraphs' errors on with their own message and code (Hive's `serviceName` is switched off in
 * gateway.config.ts, as the router strips it), and the proof plugin refuses a bad token in the
 * router's words, so nothing here may differ. Where they do legitimately differ is outside
 * this file: a subgraph that cannot be reached is SUBGRAPH_UNAVAILABLE from the router and a
 * masked INTERNAL_SERVER_ERROR from Hive. Returns the router's answer.
 */
function same<T>(answers: { router: GraphQLResponse<T>; hive: GraphQLResponse<T> }) {
  assert.deepEqual(answers.hive, answers.router);
  return answers.router;
}

/** {@link same}, and that answer is 200 with data and no errors; returns the data. */
function sameData<T>(answers: { router: GraphQLResponse<T>; hive: GraphQLResponse<T> }): T {
  const answer = same(answers);
  assert.equal(answer.status, 200, JSON.stringify(answer));
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return answer.data!;
}

describe('Hive Gateway with gateways/hive/gateway.config.ts', () => {
  it('reports itself healthy and ready', async () => {
    const base = hive.url.replace(/\/graphql$/, '');
    assert.equal((await fetch(`${base}/healthcheck`)).status, 200);
    assert.equal((await fetch(`${base}/readiness`)).status, 200);
  });

  it('pages through the products as the router does', async () => {
    const page = /* GraphQL */ `
      query ($after: String) {
        products(first: 1, after: $after) {
          edges {
            cursor
            node {
              id
              name
              priceCents
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    `;
    type Page = {
      products: {
        edges: Array<{ cursor: string; node: { id: string; name: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const first = sameData(await both<Page>(page));
    assert.equal(first.products.edges.length, 1);
    assert.equal(first.products.pageInfo.hasNextPage, true);
    const second = sameData(
      await both<Page>(page, { variables: { after: first.products.pageInfo.endCursor } }),
    );
    assert.equal(second.products.edges.length, 1);
    assert.notEqual(second.products.edges[0]!.node.id, first.products.edges[0]!.node.id);
  });

  it('reads the signed-up user with their token', async () => {
    const data = sameData(await both('{ me { id name email role } }', { auth: ada }));
    assert.deepEqual(data, {
      me: { id: ada.user.id, name: 'Ada', email: 'ada@example.com', role: 'CUSTOMER' },
    });
  });

  it('reads an order across subgraphs', async () => {
    const data = sameData(
      await both(
        /* GraphQL */ `
          query ($id: ID!) {
            order(id: $id) {
              id
              status
              totalCents
              customer {
                name
              }
              items {
                product {
                  name
                }
                quantity
              }
            }
          }
        `,
        { auth: ada, variables: { id: order.id } },
      ),
    );
    assert.deepEqual(data, {
      order: {
        id: order.id,
        status: 'PENDING',
        totalCents: 2 * 1250 + 2000,
        customer: { name: 'Ada' },
        items: [
          { product: { name: 'Mug' }, quantity: 2 },
          { product: { name: 'T-Shirt' }, quantity: 1 },
        ],
      },
    });
  });

  it("reads the user's orders and tasks, the task's order from another subgraph", async () => {
    const data = sameData(
      await both(
        /* GraphQL */ `
          {
            me {
              orders {
                edges {
                  node {
                    id
                    totalCents
                    status
                  }
                }
              }
              tasks {
                edges {
                  node {
                    title
                    order {
                      id
                    }
                  }
                }
              }
            }
          }
        `,
        { auth: ada },
      ),
    );
    assert.deepEqual(data, {
      me: {
        orders: { edges: [{ node: { id: order.id, totalCents: 4500, status: 'PENDING' } }] },
        tasks: { edges: [{ node: { title: 'Gift wrap', order: { id: order.id } } }] },
      },
    });
  });

  it('refuses a staff-only list to a customer with the same error', async () => {
    const answer = same(await both('{ users(first: 5) { edges { node { id } } } }', { auth: ada }));
    assert.equal(answer.data, null);
    assert.deepEqual(errorCodes(answer), ['FORBIDDEN']);
  });

  it('treats a request without a token as anonymous', async () => {
    assert.deepEqual(sameData(await both('{ me { id } }')), { me: null });
    const orders = same(await both('{ orders { edges { node { id } } } }'));
    assert.deepEqual(errorCodes(orders), ['UNAUTHENTICATED']);
  });

  it('refuses a forged token with 401', async () => {
    const forged = { ...ada, token: `${ada.token.slice(0, -4)}AAAA` };
    const answer = same(await both('{ me { id } }', { auth: forged }));
    assert.equal(answer.status, 401);
    assert.deepEqual(errorCodes(answer), ['UNAUTHENTICATED']);
  });

  // Hive would share identical subgraph requests in flight between users, were it not
  // switched off in gateway.config.ts.
  it('gives each of many concurrent users their own answer', async () => {
    const people = [ada, bob];
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const person = people[i % people.length]!;
        const res = await postGraphQL<{ me: { id: string } }>(hive.url, '{ me { id } }', {
          headers: bearer(person),
        });
        return res.data?.me?.id === person.user.id;
      }),
    );
    assert.equal(answers.filter((own) => !own).length, 0);
  });
});
