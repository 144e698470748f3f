/**
 * One load run: autocannon at a fixed concurrency against one URL with one request body,
 * while the memory of the serving processes is sampled. A 200 whose body holds GraphQL
 * `errors` counts as an error, as does any other status.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export type LoadRequest = {
  url: string;
  /**
   * Headers of each request in turn (one set per client identity), so that load comes from
   * many users, as in production, rather than one user repeating one request.
   */
  headerSets: Array<Record<string, string>>;
  body: string;
};

export type LoadResult = {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  requests: number;
  /** Highest resident memory of the serving processes during the run, in MB (summed). */
  peakRssMb: number | null;
  /** The start of one answer that held errors, to see what went wrong. */
  errorSample?: string;
};

/** Resident memory of a process and all its descendants (a forking gateway), in MB. */
function treeRssMb(pid: number): number {
  let kb = 0;
  try {
    kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    children = [];
  }
  return kb / 1024 + children.reduce((sum, child) => sum + treeRssMb(child), 0);
}

export async function runLoad(
  request: LoadRequest,
  options: { connections: number; seconds: number; pids: number[] },
): Promise<LoadResult> {
  let peak = 0;
  const sample = () => {
    peak = Math.max(
      peak,
      options.pids.reduce((sum, pid) => sum + treeRssMb(pid), 0),
    );
  };
  sample();
  const sampler = setInterval(sample, 100);
  let graphQLErrors = 0;
  const latencies: number[] = [];
  let next = 0;
  let errorSample: string | undefined;
  try {
    const result = await autocannon({
      url: request.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request.body,
      requests: [
        {
          setupRequest(req) {
            const headers = request.headerSets[next++ % request.headerSets.length];
            return { ...req, headers: { 'content-type': 'application/json', ...headers } };
          },
        },
      ],
      connections: options.connections,
      duration: options.seconds,
      setupClient(client) {
        client.on('body', (body: Buffer) => {
          if (body.includes('"errors"')) {
            graphQLErrors++;
            errorSample ??= body.toString('utf8', 0, Math.min(body.length, 2000));
          }
        });
        client.on('response', (_status: number, _bytes: number, milliseconds: number) => {
          latencies.push(milliseconds);
        });
      },
    });
    const errors = result.errors + result.timeouts + result.non2xx + graphQLErrors;
    latencies.sort((a, b) => a - b);
    return {
      rps: Math.round(result.requests.average),
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
      errors,
      requests: result.requests.total,
      peakRssMb: options.pids.length > 0 ? Math.round(peak) : null,
      ...(errorSample ? { errorSample } : {}),
    };
  } finally {
    clearInterval(sampler);
  }
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return Math.round(value * 100) / 100;
}
