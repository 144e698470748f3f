/**
 * The graph section of `npm run bench`: a seeded data set (10k users, 100k orders with their
 * items, 50k tasks), the subgraphs as production processes, and in turn our router, Hive
 * Gateway serving the same committed supergraph, and the subgraphs called directly. Each
 * (operation, target) pair is warmed up, then measured in rounds whose target order rotates,
 * so that machine drift falls on every target alike.
 */
import os from 'node:os';
import path from 'node:path';
import { createProof, issueToken, tokenKey, type Viewer } from '@supergraph/auth';
import { startHiveGateway } from '@supergraph/hive';
import {
  CUSTOMER_DASHBOARD,
  STAFF_LIST_PAGE,
  createTestDatabase,
  freePort,
} from '@supergraph/testing';
import { runLoad, type LoadRequest, type LoadResult } from './load.ts';
import { BENCH_JWT_SECRET, BENCH_SUBGRAPH_SECRET, startProcesses } from './processes.ts';
import { seedBenchData, type Seeded } from './seed-data.ts';

export const CONNECTIONS = Number(process.env.BENCH_CONCURRENCY ?? 50);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
export const WARMUP_SECONDS = 2;
const VIEWERS = 500;
const SUPERGRAPH = path.resolve(import.meta.dirname, '../router/supergraph.graphql');
// BENCH_PROFILE_DIR=dir writes a CPU profile of Hive too, as bench/processes.ts does for ours.
const PROFILE_ARGS = process.env.BENCH_PROFILE_DIR
  ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`]
  : [];

type TargetName = 'router' | 'hive' | 'direct';
type Row = { operation: string; target: TargetName } & LoadResult;
export type Operation = {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Who sends it, in turn. */
  viewers: Viewer[];
  /** The subgraph that serves the whole operation by itself, when one does. */
  direct?: 'users' | 'orders';
};

export function average(values: number[]): number {
  return Math.round((values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)) * 100) / 100;
}

/** The runs of one (operation, target) pair as one figure each: means, and total counts. */
export function combine(runs: LoadResult[]): LoadResult {
  return {
    rps: Math.round(average(runs.map((r) => r.rps))),
    p50: average(runs.map((r) => r.p50)),
    p95: average(runs.map((r) => r.p95)),
    p99: average(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb ?? 0)),
  };
}

/**
 * A seeded database's bench operations, each sent by many users: every staff member, and
 * 500 customers.
 */
export async function benchOperations(seeded: Seeded) {
  const key = tokenKey(BENCH_JWT_SECRET);
  const customers: Viewer[] = seeded.customerIds
    .slice(0, VIEWERS)
    .map((id) => ({ id, role: 'CUSTOMER' as const }));
  const staff: Viewer[] = seeded.staffIds.map((id) => ({ id, role: 'STAFF' as const }));
  const tokens = new Map<Viewer, string>();
  for (const viewer of [...customers, ...staff]) {
    tokens.set(viewer, await issueToken(key, viewer, 3600));
  }
  const operations: Operation[] = [
    { name: 'me', query: '{ me { id name } }', viewers: customers, direct: 'users' },
    { name: 'staff list page', query: STAFF_LIST_PAGE, viewers: staff },
    { name: 'customer dashboard', query: CUSTOMER_DASHBOARD, viewers: customers },
    {
      name: 'placeOrder',
      query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id totalCents } }',
      variables: { input: { items: [{ productId: seeded.productIds[0], quantity: 1 }] } },
      viewers: customers,
      direct: 'orders',
    },
  ];
  return {
    operations,
    /** The operation sent through the gateway at `url`, each viewer with their token. */
    throughGateway(operation: Operation, url: string): LoadRequest {
      return {
        url,
        headerSets: operation.viewers.map((viewer) => ({
          authorization: `Bearer ${tokens.get(viewer)}`,
        })),
        body: JSON.stringify({ query: operation.query, variables: operation.variables }),
      };
    },
  };
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

export async function benchGraph() {
  const database = await createTestDatabase();
  const seeded = await seedBenchData(database.url);
  console.log(
    `seeded ${seeded.customers + seeded.staff} users, ${seeded.orders} orders with ${seeded.items} items, ${seeded.tasks} tasks`,
  );
  const system = await startProcesses(database.url);
  const hive = await startHiveGateway({
    port: await freePort(),
    supergraphPath: SUPERGRAPH,
    subgraphUrls: system.subgraphUrls,
    jwtSecret: BENCH_JWT_SECRET,
    subgraphSecret: BENCH_SUBGRAPH_SECRET,
    nodeArgs: PROFILE_ARGS,
  });
  try {
    const { operations, throughGateway } = await benchOperations(seeded);
    const gateways = { router: system.url, hive: hive.url };
    const pids = { router: [system.pids.router], hive: [hive.pid], direct: [] as number[] };

    async function measure(operation: Operation, target: TargetName, seconds: number) {
      const request: LoadRequest =
        target === 'direct'
          ? {
              url: system.subgraphUrls[operation.direct!],
              // Fresh proofs per run: they are valid for five minutes.
              headerSets: operation.viewers.map((viewer) => ({
                'x-supergraph-proof': createProof(BENCH_SUBGRAPH_SECRET, viewer),
              })),
              body: JSON.stringify({ query: operation.query, variables: operation.variables }),
            }
          : throughGateway(operation, gateways[target]);
      return runLoad(request, {
        connections: CONNECTIONS,
        seconds,
        pids: target === 'direct' ? [system.pids[operation.direct!]] : pids[target],
      });
    }

    const runs: Row[] = [];
    for (const operation of operations) {
      const targets: TargetName[] = [
        'router',
        'hive',
        ...(operation.direct ? ['direct' as const] : []),
      ];
      for (const target of targets) await measure(operation, target, WARMUP_SECONDS);
      for (let round = 0; round < ROUNDS; round++) {
        const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
        for (const target of order) {
          const result = await measure(operation, target, SECONDS);
          runs.push({ operation: operation.name, target, ...result });
          console.log(
            `  ${operation.name} · ${target}: ${result.rps} req/s, p50 ${result.p50} ms, p95 ${result.p95} ms, errors ${result.errors}`,
          );
          if (result.errorSample) console.log(`    e.g. ${result.errorSample.slice(0, 300)}`);
        }
      }
    }

    const rows: Row[] = [];
    for (const operation of operations) {
      for (const target of ['router', 'hive', 'direct'] as const) {
        const mine = runs.filter((r) => r.operation === operation.name && r.target === target);
        if (mine.length === 0) continue;
        rows.push({ operation: operation.name, target, ...combine(mine) });
      }
    }
    const ratios = operations.map((operation) => {
      const find = (target: TargetName) =>
        rows.find((r) => r.operation === operation.name && r.target === target);
      const router = find('router')!;
      const hive = find('hive')!;
      const direct = find('direct');
      return {
        operation: operation.name,
        'ours/hive RPS': Number((router.rps / hive.rps).toFixed(2)),
        'ours/hive p50': Number((router.p50 / hive.p50).toFixed(2)),
        'router/direct p50': direct ? Number((router.p50 / direct.p50).toFixed(2)) : null,
      };
    });
    console.table(rows);
    console.table(ratios);
    return {
      machine: machine(),
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      seeded: { ...seeded, staffIds: undefined, customerIds: undefined, productIds: undefined },
      rows,
      ratios,
      runs,
    };
  } finally {
    await hive.stop();
    await system.stop();
    await database.drop();
  }
}

/** The short markdown summary of a graph run, for docs/performance.md and bench/results/. */
export function graphSummary(report: Awaited<ReturnType<typeof benchGraph>>): string {
  const { machine } = report;
  const lines = [
    `Machine: ${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GiB, Node ${machine.node}. ` +
      `${report.connections} connections, ${report.rounds} rounds of ${report.seconds} s per target and operation.`,
    '',
    '| operation | target | req/s | p50 ms | p95 ms | p99 ms | errors | peak RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.rows.map(
      (r) =>
        `| ${r.operation} | ${r.target} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${r.peakRssMb ?? '—'} |`,
    ),
    '',
    '| operation | ours/Hive req/s | ours/Hive p50 | router/direct p50 |',
    '| --- | --- | --- | --- |',
    ...report.ratios.map(
      (r) =>
        `| ${r.operation} | ${r['ours/hive RPS']}× | ${r['ours/hive p50']}× | ${r['router/direct p50'] ?? '—'}${r['router/direct p50'] === null ? '' : '×'} |`,
    ),
  ];
  return lines.join('\n');
}
