/**
 * `npm run bench [graph|jobs]`: each section prints its table and ratios; the figures of the
 * run go to bench/results/ as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchGraph } from './graph.ts';
import { benchJobs } from './jobs.ts';

const wanted = new Set(process.argv.slice(2));
const run = (section: string) => wanted.size === 0 || wanted.has(section);
const report: Record<string, unknown> = { at: new Date().toISOString() };

if (run('graph')) report.graph = await benchGraph();
if (run('jobs')) {
  const jobs = await benchJobs();
  console.table([jobs]);
  console.log(
    `jobs: ${jobs.emailsPerSecond} emails/s; placeOrder → SMTP accepted at ${jobs.ratePerSecond} orders/s: p50 ${jobs.latencyP50Ms} ms, p95 ${jobs.latencyP95Ms} ms`,
  );
  report.jobs = jobs;
}
const dir = path.resolve(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  path.join(dir, `bench-${String(report.at).replaceAll(':', '-')}.json`),
  JSON.stringify(report, null, 2),
);
