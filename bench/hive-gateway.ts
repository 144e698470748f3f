/**
 * Hive Gateway JS (`@graphql-hive/gateway`) as the bench's comparison router: its own CLI, in
 * its own process, serving our committed supergraph with the configuration in gateways/hive/
 * that makes it verify tokens and sign subgraph requests as our router does.
 *
 * `npx tsx bench/hive-gateway.ts` runs {@link checkHiveGateway}: both gateways in front of the
 * same subgraphs must answer the bench's operations with the same JSON.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { issueToken, tokenKey } from '@supergraph/auth';
import { startHiveGateway, type HiveGateway } from '@supergraph/hive';
import {
  CUSTOMER_DASHBOARD,
  STAFF_LIST_PAGE,
  freePort,
  postGraphQL,
  type GraphQLResponse,
} from '@supergraph/testing';
import { JWT_SECRET, SUBGRAPH_SECRET, seedProducts, startSystem } from '../router/test/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

type Exchange = { status: number; body: unknown };

async function post(
  url: string,
  query: string,
  token?: string,
  variables?: Record<string, unknown>,
): Promise<Exchange> {
  const { status, ...body } = await postGraphQL(url, query, {
    variables,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status, body };
}

function dataOf<T>(exchange: Exchange): T {
  const body = exchange.body as GraphQLResponse<T>;
  if (exchange.status !== 200 || body.errors || !body.data) {
    throw new Error(`unexpected answer: ${exchange.status} ${JSON.stringify(exchange.body)}`);
  }
  return body.data;
}

/**
 * Counts the HTTP requests that the subgraphs (in this process) receive, to show how many
 * calls each gateway's plan makes for the same operation.
 */
function countSubgraphCalls(subgraphUrls: Record<string, string>) {
  const ports = new Set(Object.values(subgraphUrls).map((url) => Number(new URL(url).port)));
  let count = 0;
  const onStart = (message: unknown) => {
    const address = (message as { server: Server }).server.address();
    if (address && typeof address === 'object' && ports.has(address.port)) count++;
  };
  diagnostics.subscribe('http.server.request.start', onStart);
  return {
    /** The calls since the last take. */
    take(): number {
      const taken = count;
      count = 0;
      return taken;
    },
    close: () => diagnostics.unsubscribe('http.server.request.start', onStart),
  };
}

/** Refused as unauthenticated: 401, or an UNAUTHENTICATED error and no data. */
function refused(exchange: Exchange): boolean {
  const body = exchange.body as GraphQLResponse;
  return (
    exchange.status === 401 ||
    (!body.data && (body.errors ?? []).some((e) => e.extensions?.code === 'UNAUTHENTICATED'))
  );
}

/** Edges at each list of a response, to show that a comparison was not of empty lists. */
function describe(exchange: Exchange): string {
  const counts: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (Array.isArray(value)) {
      counts.push(`${at}:${value.length}`);
      value.forEach((item) => walk(item, at));
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, key);
    }
  };
  walk((exchange.body as { data?: unknown }).data, 'data');
  const totals = new Map<string, number>();
  for (const entry of counts) {
    const [name, n] = entry.split(':') as [string, string];
    totals.set(name, (totals.get(name) ?? 0) + Number(n));
  }
  const errors = (exchange.body as { errors?: unknown[] }).errors;
  const parts = [...totals].map(([name, n]) => `${n} ${name}`);
  if (errors) parts.push(`${errors.length} error(s)`);
  return parts.join(', ') || 'no lists';
}

/**
 * Starts the system in-process with our router, and Hive Gateway on the same subgraphs, and
 * checks that both answer the bench's operations with deep-equal JSON (status and body).
 * Resolves with whether every case matched; prints each case.
 */
export async function checkHiveGateway(): Promise<boolean> {
  const system = await startSystem({ production: true });
  let hive: HiveGateway | undefined;
  try {
    const productIds = await seedProducts(system);
    const signUp = async (name: string, email: string) =>
      dataOf<{ signUp: { token: string; user: { id: string } } }>(
        await post(
          system.url,
          /* GraphQL */ `
            mutation ($input: SignUpInput!) {
              signUp(input: $input) {
                token
                user {
                  id
                }
              }
            }
          `,
          undefined,
          { input: { name, email, password: 'a long enough password' } },
        ),
      ).signUp;
    const customer = await signUp('Ada Customer', 'ada@example.com');
    const clerk = await signUp('Sam Clerk', 'sam@example.com');
    const staffToken = await issueToken(
      tokenKey(JWT_SECRET),
      { id: clerk.user.id, role: 'STAFF' },
      300,
    );
    const placeOrder = (url: string) =>
      post(
        url,
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { status totalCents } }',
        customer.token,
        {
          input: {
            items: [
              { productId: productIds[0], quantity: 2 },
              { productId: productIds[1], quantity: 1 },
            ],
          },
        },
      );
    await placeOrder(system.url);
    const order = dataOf<{ orders: { edges: Array<{ node: { id: string } }> } }>(
      await post(system.url, '{ orders(first: 1) { edges { node { id } } } }', customer.token),
    ).orders.edges[0]!.node;
    const createTask = `mutation ($input: CreateTaskInput!) { createTask(input: $input) { id } }`;
    // One task the customer owns on their order, one the staff member assigns to themselves.
    dataOf(
      await post(system.url, createTask, customer.token, {
        input: { title: 'Gift wrap', orderId: order.id },
      }),
    );
    dataOf(
      await post(system.url, createTask, staffToken, {
        input: { title: 'Pack order', orderId: order.id, assigneeId: clerk.user.id },
      }),
    );

    hive = await startHiveGateway({
      port: await freePort(),
      supergraphPath: path.join(ROOT, 'router', 'supergraph.graphql'),
      subgraphUrls: system.subgraphUrls,
      jwtSecret: JWT_SECRET,
      subgraphSecret: SUBGRAPH_SECRET,
    });
    const hiveUrl = hive.url;

    const forged = `${customer.token.slice(0, -4)}AAAA`;
    const cases: Array<{
      name: string;
      send: (url: string) => Promise<Exchange>;
      /** How the two answers must agree; deep equality unless given. */
      agree?: (ours: Exchange, theirs: Exchange) => boolean;
    }> = [
      { name: 'me (customer)', send: (url) => post(url, '{ me { id name } }', customer.token) },
      { name: 'staff list page (staff)', send: (url) => post(url, STAFF_LIST_PAGE, staffToken) },
      { name: 'customer dashboard', send: (url) => post(url, CUSTOMER_DASHBOARD, customer.token) },
      {
        name: 'forged token',
        send: (url) => post(url, '{ me { id name } }', forged),
        agree: (ours, theirs) => refused(ours) && refused(theirs),
      },
      {
        name: 'products (anonymous)',
        send: (url) => post(url, '{ products(first: 5) { edges { node { name } } } }'),
      },
      // A write through each gateway: the same answer, as neither returns the new order's id.
      { name: 'placeOrder (customer)', send: placeOrder },
    ];

    let ok = true;
    const calls = countSubgraphCalls(system.subgraphUrls);
    for (const { name, send, agree = isDeepStrictEqual } of cases) {
      calls.take();
      const ours = await send(system.url);
      const ourCalls = calls.take();
      const theirs = await send(hiveUrl);
      const theirCalls = calls.take();
      const agreed = agree(ours, theirs);
      const identical = isDeepStrictEqual(ours, theirs);
      ok &&= agreed;
      console.log(
        `${agreed ? 'agree' : 'DISAGREE'}${identical ? ' (identical)' : ''}  ${name}: ${ours.status}, ${describe(ours)}; subgraph calls: router ${ourCalls}, hive ${theirCalls}`,
      );
      if (!identical || name === 'forged token') {
        console.log(`  router: ${ours.status} ${JSON.stringify(ours.body)}`);
        console.log(`  hive:   ${theirs.status} ${JSON.stringify(theirs.body)}`);
      }
    }
    // Many users at once: each must get their own answer from either gateway, however
    // the gateway shares identical requests in flight.
    const people = [customer, clerk];
    for (const [name, url] of [
      ['router', system.url],
      ['hive', hiveUrl],
    ] as const) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const person = people[i % people.length]!;
          const answer = await post(url, '{ me { id } }', person.token);
          return (
            (answer.body as { data?: { me?: { id?: string } } }).data?.me?.id === person.user.id
          );
        }),
      );
      const wrong = answers.filter((right) => !right).length;
      ok &&= wrong === 0;
      console.log(
        `${wrong === 0 ? 'own data' : 'OTHERS DATA'}  ${name}: ${wrong} of 100 concurrent answers were for another user`,
      );
    }
    console.log(
      ok ? 'Hive Gateway and the router agree.' : 'Hive Gateway and the router DISAGREE.',
    );
    return ok;
  } finally {
    await hive?.stop();
    await system.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  checkHiveGateway().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
