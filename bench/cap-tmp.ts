import { createOrdersClient } from '@supergraph/prisma/orders';
import { asRouter, createTestDatabase, postGraphQL } from '@supergraph/testing';
import { BENCH_SUBGRAPH_SECRET } from './processes.ts';
import { startProcesses } from './processes.ts';
const database = await createTestDatabase();
const orders = createOrdersClient({ databaseUrl: database.url, poolSize: 2 });
const system = await startProcesses(database.url);
const product = await orders.product.create({ data: { sku: 'B', name: 'Mug', priceCents: 1250, currency: 'USD' } });
const s = await postGraphQL<{ signUp: { token: string } }>(system.url, 'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }', { variables: { input: { name: 'B', email: 'b@bench.test', password: 'bench password' } } });
const token = s.data!.signUp.token;
const place = async () => { const r = await postGraphQL(system.url, 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', { variables: { input: { items: [{ productId: product.id, quantity: 2 }] } }, headers: { authorization: `Bearer ${token}` } }); if (r.errors) throw new Error(JSON.stringify(r.errors)); };
for (let i = 0; i < 30; i++) await place();
const userId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
const direct = async () => { const r = await postGraphQL(system.subgraphUrls.orders, 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', { variables: { input: { items: [{ productId: product.id, quantity: 2 }] } }, headers: asRouter(BENCH_SUBGRAPH_SECRET, { id: userId, role: 'CUSTOMER' }) }); if (r.errors) throw new Error(JSON.stringify(r.errors)); };
for (let i = 0; i < 30; i++) await direct();
{ const lat: number[] = []; for (let i = 0; i < 100; i++) { const t = performance.now(); await direct(); lat.push(performance.now() - t); } lat.sort((a, b) => a - b); console.log(`placeOrder direct c=1 p50 ${lat[50]!.toFixed(1)} ms`); }
for (const c of [1]) {
  let ok = 0, err = 0; const end = Date.now() + 5000; let first = ''; const lat: number[] = [];
  await Promise.all(Array.from({ length: c }, async () => { while (Date.now() < end) { const t = performance.now(); try { await place(); ok++; lat.push(performance.now() - t); } catch (e) { err++; first ||= String(e).slice(0, 200); } } }));
  lat.sort((a, b) => a - b);
  console.log(`placeOrder c=${c}: ${ok / 5}/s ok, p50 ${lat[Math.floor(lat.length / 2)]?.toFixed(1)} ms, ${err} errors ${first}`);
}
await system.stop(); await orders.$disconnect(); await database.drop();
