/**
 * The graph section of `npm run bench`: the whole system in one process on a fresh database,
 * driven at a fixed concurrency through the router and, for the same data, straight at the
 * subgraph.
 */
import { asRouter } from '@supergraph/testing';
import { SUBGRAPH_SECRET, seedProducts, startSystem } from '../router/test/harness.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

type Target = { name: string; url: string; headers: Record<string, string> };
export type Result = {
  target: string;
  operation: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
};

async function drive(
  target: Target,
  operation: string,
  query: string,
  seconds = SECONDS,
): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const body = JSON.stringify({ query });
  const end = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < end) {
      const started = performance.now();
      try {
        const res = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...target.headers },
          body,
        });
        const json = (await res.json()) as { errors?: unknown };
        if (!res.ok || json.errors) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number(
      (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2),
    );
  return {
    target: target.name,
    operation,
    rps: Math.round(latencies.length / seconds),
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    errors,
  };
}

export async function benchGraph() {
  const system = await startSystem({ production: true, poolSize: 10 });
  try {
    const [productId] = await seedProducts(system);
    const signUp = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'mutation { signUp(input: { name: "Bench", email: "bench@example.com", password: "bench password" }) { token user { id } } }',
      }),
    });
    const { data } = (await signUp.json()) as {
      data: { signUp: { token: string; user: { id: string } } };
    };
    const auth = { authorization: `Bearer ${data.signUp.token}` };
    await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({
        query: `mutation { placeOrder(input: { items: [{ productId: "${productId}", quantity: 1 }] }) { id } }`,
      }),
    });
    const viewer = { id: data.signUp.user.id, role: 'CUSTOMER' as const };
    const results: Result[] = [];
    // Proofs expire after five minutes; each run is far shorter.
    const direct = (name: 'users' | 'orders'): Target => ({
      name: `direct:${name}`,
      url: system.subgraphUrls[name],
      headers: asRouter(SUBGRAPH_SECRET, viewer),
    });
    const router: Target = { name: 'router', url: system.url, headers: auth };
    // The same router with its per-client Redis rate limit on (never reached): what the
    // limiter costs each request.
    const limited: Target = {
      name: 'router+ratelimit',
      url: await system.addRouter({
        production: true,
        rateLimit: { points: 1_000_000_000, windowSeconds: 60 },
      }),
      headers: auth,
    };
    const ops: Array<[string, string, Target]> = [
      ['me', '{ me { id name email } }', direct('users')],
      [
        'orders(first: 20)',
        '{ orders(first: 20) { edges { node { id totalCents items { quantity } } } } }',
        direct('orders'),
      ],
    ];
    // Warm every target up first (JIT, pools, caches), so that the first measured run is not
    // the cold one; then alternate the targets so that machine drift affects them alike.
    for (const [operation, query, directTarget] of ops) {
      for (const target of [router, limited, directTarget])
        await drive(target, operation, query, 1);
    }
    for (const [operation, query, directTarget] of ops) {
      results.push(await drive(limited, operation, query));
      results.push(await drive(router, operation, query));
      results.push(await drive(directTarget, operation, query));
    }
    console.table(results);
    for (const [operation] of ops) {
      const r = results.find((x) => x.operation === operation && x.target === 'router')!;
      const l = results.find((x) => x.operation === operation && x.target === limited.name)!;
      const d = results.find((x) => x.operation === operation && x.target.startsWith('direct'))!;
      console.log(
        `${operation}: router/direct p50 ${(r.p50 / d.p50).toFixed(2)}x, RPS ${(r.rps / d.rps).toFixed(2)}x; ` +
          `with rate limit/without p50 ${(l.p50 / r.p50).toFixed(2)}x, RPS ${(l.rps / r.rps).toFixed(2)}x`,
      );
    }
    return { concurrency: CONCURRENCY, seconds: SECONDS, results };
  } finally {
    await system.stop();
  }
}
