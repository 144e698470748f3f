import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUsersClient } from '@supergraph/prisma/users';
import { errorCodes, postGraphQL } from '@supergraph/testing';
import { seedProducts, signUp, startSystem, type Auth, type System } from './harness.ts';

let system: System;
let productIds: string[];

before(async () => {
  system = await startSystem();
  productIds = await seedProducts(system);
});
after(() => system.stop());

const bearer = (auth: Auth) => ({ authorization: `Bearer ${auth.token}` });

async function placeOrder(auth: Auth, quantity = 2) {
  const res = await postGraphQL<{ placeOrder: { id: string; totalCents: number } }>(
    system.url,
    /* GraphQL */ `
      mutation ($input: PlaceOrderInput!) {
        placeOrder(input: $input) {
          id
          totalCents
          status
        }
      }
    `,
    {
      variables: {
        input: {
          items: [
            { productId: productIds[0], quantity },
            { productId: productIds[1], quantity: 1 },
          ],
        },
      },
      headers: bearer(auth),
    },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!.placeOrder;
}

async function createTask(auth: Auth, title: string, orderId?: string) {
  const res = await postGraphQL<{ createTask: { id: string } }>(
    system.url,
    /* GraphQL */ `
      mutation ($input: CreateTaskInput!) {
        createTask(input: $input) {
          id
        }
      }
    `,
    { variables: { input: { title, orderId } }, headers: bearer(auth) },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!.createTask;
}

const DASHBOARD = /* GraphQL */ `
  query {
    me {
      name
      orders {
        edges {
          node {
            id
            totalCents
            items {
              quantity
              product {
                name
              }
            }
            customer {
              name
            }
          }
        }
      }
      tasks {
        edges {
          node {
            title
            order {
              id
              status
            }
            owner {
              name
            }
          }
        }
      }
    }
  }
`;

type Dashboard = {
  me: {
    name: string;
    orders: {
      edges: Array<{
        node: {
          id: string;
          totalCents: number;
          items: Array<{ quantity: number; product: { name: string } }>;
          customer: { name: string };
        };
      }>;
    };
    tasks: {
      edges: Array<{
        node: {
          title: string;
          order: { id: string; status: string } | null;
          owner: { name: string };
        };
      }>;
    };
  };
};

describe('the supergraph through the router', () => {
  it('signs up, places an order, creates a task for it and reads it all back across three subgraphs', async () => {
    const ada = await signUp(system, 'ada@example.com', 'Ada');
    const order = await placeOrder(ada);
    assert.equal(order.totalCents, 2 * 1250 + 2000);
    await createTask(ada, 'Check the delivery', order.id);

    const res = await postGraphQL<Dashboard>(system.url, DASHBOARD, { headers: bearer(ada) });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const me = res.data!.me;
    assert.equal(me.name, 'Ada');
    assert.equal(me.orders.edges.length, 1);
    const node = me.orders.edges[0]!.node;
    assert.equal(node.id, order.id);
    assert.equal(node.customer.name, 'Ada');
    assert.deepEqual(
      node.items.map((i) => [i.product.name, i.quantity]),
      [
        ['Mug', 2],
        ['T-Shirt', 1],
      ],
    );
    assert.deepEqual(
      me.tasks.edges.map((e) => e.node),
      [
        {
          title: 'Check the delivery',
          order: { id: order.id, status: 'PENDING' },
          owner: { name: 'Ada' },
        },
      ],
    );
  });

  it('never shows one customer the orders or tasks of another', async () => {
    const owner = await signUp(system, 'owner@example.com', 'Owner');
    const other = await signUp(system, 'other@example.com', 'Other');
    const order = await placeOrder(owner);
    const task = await createTask(owner, 'Private', order.id);

    const read = await postGraphQL<{ order: unknown; task: unknown }>(
      system.url,
      /* GraphQL */ `
        query ($o: ID!, $t: ID!) {
          order(id: $o) {
            id
            totalCents
          }
          task(id: $t) {
            id
            title
          }
        }
      `,
      { variables: { o: order.id, t: task.id }, headers: bearer(other) },
    );
    assert.equal(read.errors, undefined);
    assert.deepEqual(read.data, { order: null, task: null });

    const cancel = await postGraphQL(
      system.url,
      /* GraphQL */ `
        mutation ($id: ID!) {
          cancelOrder(id: $id) {
            id
          }
        }
      `,
      {
        variables: { id: order.id },
        headers: bearer(other),
      },
    );
    assert.deepEqual(errorCodes(cancel), ['NOT_FOUND']);
    const complete = await postGraphQL(
      system.url,
      /* GraphQL */ `
        mutation ($id: ID!) {
          completeTask(id: $id) {
            id
          }
        }
      `,
      {
        variables: { id: task.id },
        headers: bearer(other),
      },
    );
    assert.deepEqual(errorCodes(complete), ['NOT_FOUND']);

    const lists = await postGraphQL<{ orders: { edges: unknown[] }; tasks: { edges: unknown[] } }>(
      system.url,
      /* GraphQL */ `
        {
          orders {
            edges {
              node {
                id
              }
            }
          }
          tasks {
            edges {
              node {
                id
              }
            }
          }
        }
      `,
      { headers: bearer(other) },
    );
    assert.deepEqual(lists.data, { orders: { edges: [] }, tasks: { edges: [] } });
  });

  it('lets anonymous clients read products only', async () => {
    const products = await postGraphQL<{ products: { edges: unknown[] } }>(
      system.url,
      '{ products(first: 10) { edges { node { name priceCents } } } }',
    );
    assert.equal(products.data?.products.edges.length, 2);
    const me = await postGraphQL(system.url, '{ me { id } }');
    assert.deepEqual(me.data, { me: null });
    const orders = await postGraphQL(system.url, '{ orders { edges { node { id } } } }');
    assert.deepEqual(errorCodes(orders), ['UNAUTHENTICATED']);
  });

  it('refuses a bad token with 401 instead of treating it as anonymous', async () => {
    const res = await postGraphQL(system.url, '{ products { edges { cursor } } }', {
      headers: { authorization: 'Bearer not.a.token' },
    });
    assert.equal(res.status, 401);
    assert.deepEqual(errorCodes(res), ['UNAUTHENTICATED']);
  });

  it('reports bad input with BAD_USER_INPUT and the field, never a stack trace', async () => {
    const auth = await signUp(system, 'input@example.com', 'Input');
    const res = await postGraphQL(
      system.url,
      /* GraphQL */ `
        mutation ($input: PlaceOrderInput!) {
          placeOrder(input: $input) {
            id
          }
        }
      `,
      {
        variables: { input: { items: [{ productId: productIds[0], quantity: 0 }] } },
        headers: bearer(auth),
      },
    );
    assert.deepEqual(errorCodes(res), ['BAD_USER_INPUT']);
    assert.match(res.errors![0]!.message, /input\.items\[0\]\.quantity/);
    assert.equal(JSON.stringify(res).includes('stacktrace'), false);
    const first = await postGraphQL(system.url, '{ products(first: 500) { edges { cursor } } }');
    assert.deepEqual(errorCodes(first), ['BAD_USER_INPUT']);
    const malformed = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    assert.equal(malformed.status, 400);
  });

  it('shows staff every order with its customer and tasks', async () => {
    const customer = await signUp(system, 'shopper@example.com', 'Shopper');
    const order = await placeOrder(customer, 1);
    await createTask(customer, 'Shopper note', order.id);
    const clerk = await signUp(system, 'clerk@example.com', 'Clerk');
    // Roles are granted by an operator, not through the API.
    const users = createUsersClient({ databaseUrl: system.databaseUrl, poolSize: 1 });
    await users.user.update({ where: { id: clerk.user.id }, data: { role: 'STAFF' } });
    await users.$disconnect();
    const login = await postGraphQL<{ logIn: Auth }>(
      system.url,
      /* GraphQL */ `
        mutation {
          logIn(email: "clerk@example.com", password: "a long enough password") {
            token
            user {
              id
            }
          }
        }
      `,
    );
    const staff = login.data!.logIn;
    const res = await postGraphQL<{
      orders: {
        edges: Array<{
          node: {
            id: string;
            customer: { name: string; email: string };
            tasks: Array<{ title: string; owner: { name: string } }>;
          };
        }>;
      };
    }>(
      system.url,
      /* GraphQL */ `
        {
          orders(first: 50) {
            edges {
              node {
                id
                customer {
                  name
                  email
                }
                tasks {
                  title
                  owner {
                    name
                  }
                }
              }
            }
          }
        }
      `,
      { headers: bearer(staff) },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const found = res.data!.orders.edges.find((e) => e.node.id === order.id)?.node;
    assert.deepEqual(found?.customer, { name: 'Shopper', email: 'shopper@example.com' });
    assert.deepEqual(found?.tasks, [{ title: 'Shopper note', owner: { name: 'Shopper' } }]);
    assert.ok(res.data!.orders.edges.length >= 3, "staff sees every customer's orders");
  });

  it('serves the offline GraphiQL with its assets, and health endpoints', async () => {
    const page = await fetch(`${system.routerBase}/graphiql`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /graphiql\.js/);
    assert.doesNotMatch(html, /https?:\/\//, 'no CDN URL in the page');
    const script = await fetch(`${system.routerBase}/graphiql/graphiql.js`);
    assert.equal(script.status, 200);
    assert.ok((await script.text()).length > 100_000);
    assert.equal((await fetch(`${system.routerBase}/health`)).status, 200);
    const ready = await fetch(`${system.routerBase}/ready`);
    assert.equal(ready.status, 200);
  });
});
