/**
 * One operation is one trace: the router's server span, the gateway's planning and fetches,
 * a client span per subgraph call, and each subgraph's server span as that call's child. The
 * jobs a mutation enqueues carry the trace context on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  collectSpans,
  postGraphQL,
  type ReadableSpan,
  type SpanCollector,
} from '@supergraph/testing';
import { seedProducts, startSystem, type System } from './harness.ts';

let spans: SpanCollector;
let system: System;
let auth: Record<string, string>;
let productIds: string[];

before(async () => {
  spans = collectSpans();
  system = await startSystem();
  productIds = await seedProducts(system);
  const res = await postGraphQL<{ signUp: { token: string } }>(
    system.url,
    'mutation { signUp(input: { name: "Traced Tess", email: "tess@example.com", password: "a long enough password" }) { token } }',
  );
  auth = { authorization: `Bearer ${res.data!.signUp.token}` };
});
after(async () => {
  await system.stop();
  await spans.stop();
});

const scope = (span: ReadableSpan) => span.instrumentationScope.name;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The spans of the trace that the router's server span for this request started. */
function traceOf(requestId: string): ReadableSpan[] {
  const all = spans.spans();
  const server = all.find(
    (span) =>
      scope(span) === 'router' &&
      span.name === 'POST /graphql' &&
      span.attributes['request.id'] === requestId,
  );
  assert.ok(server, `the router's server span of request ${requestId}`);
  return all.filter((span) => span.spanContext().traceId === server.spanContext().traceId);
}

describe('tracing', () => {
  it('connects the router and two subgraphs in one trace', async () => {
    spans.reset();
    const res = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-1', ...auth },
      body: JSON.stringify({ query: '{ me { name orders { edges { node { id } } } } }' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      data: { me: { name: 'Traced Tess', orders: { edges: [] } } },
    });

    const trace = traceOf('trace-me-1');
    const ids = new Set(trace.map((span) => span.spanContext().spanId));
    const roots = trace.filter((span) => !parentOf(span));
    assert.equal(roots.length, 1, 'one root');
    assert.equal(scope(roots[0]!), 'router');
    for (const span of trace) {
      if (span !== roots[0]) assert.ok(ids.has(parentOf(span)!), `${span.name} joins the trace`);
    }

    const byId = new Map(trace.map((span) => [span.spanContext().spanId, span]));
    const subgraphServers = trace.filter((span) => ['users', 'orders'].includes(scope(span)));
    assert.deepEqual(subgraphServers.map(scope).sort(), ['orders', 'users']);
    for (const server of subgraphServers) {
      const caller = byId.get(parentOf(server)!);
      assert.equal(scope(caller!), 'router', `${scope(server)} is called by the router`);
      assert.equal(caller!.name, `POST ${scope(server)}`);
    }
    assert.ok(
      trace.some((span) => span.name === 'gateway.plan'),
      'the gateway plans inside the trace',
    );
  });

  it('continues a trace the client started', async () => {
    spans.reset();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await fetch(system.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'trace-me-2',
        traceparent: `00-${traceId}-b7ad6b7169203331-01`,
        ...auth,
      },
      body: JSON.stringify({ query: '{ me { name } }' }),
    });
    const trace = traceOf('trace-me-2');
    assert.ok(trace.every((span) => span.spanContext().traceId === traceId));
    assert.ok(trace.some((span) => scope(span) === 'users'));
  });

  it('stores the trace context and request id with the jobs an order enqueues', async () => {
    spans.reset();
    const res = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-3', ...auth },
      body: JSON.stringify({
        query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
        variables: { input: { items: [{ productId: productIds[0], quantity: 1 }] } },
      }),
    });
    const { data } = (await res.json()) as { data: { placeOrder: { id: string } } };
    const traceId = traceOf('trace-me-3')[0]!.spanContext().traceId;
    const rows = await system.orders.$queryRawUnsafe<Array<{ payload: Record<string, string> }>>(
      `SELECT payload FROM orders.outbox WHERE payload->>'orderId' = $1`,
      data.placeOrder.id,
    );
    assert.equal(rows.length, 2, 'a confirmation email and a fulfilment task');
    for (const { payload } of rows) {
      assert.equal(payload.requestId, 'trace-me-3');
      assert.match(payload.traceparent ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    }
  });
});
