/**
 * `npm run bench [graph|jobs|node|live]`: each section prints its table and ratios; the figures
 * of the run go to bench/results/ as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchGraph, graphSummary } from './graph.ts';
import { benchJobs } from './jobs.ts';
import { benchLive, liveSummary, liveTable } from './live.ts';
import { benchNodes, nodeSummary } from './node.ts';

const wanted = new Set(process.argv.slice(2));
const run = (section: string) => wanted.size === 0 || wanted.has(section);
const report: Record<string, unknown> = { at: new Date().toISOString() };

const summaries: string[] = [];
const summarise = (summary: string) => {
  summaries.push(summary);
  console.log(`\n${summary}`);
};
if (run('graph')) {
  const graph = await benchGraph();
  report.graph = graph;
  summarise(graphSummary(graph));
}
if (run('jobs')) {
  const jobs = await benchJobs();
  console.table([jobs]);
  console.log(
    `jobs: ${jobs.emailsPerSecond} emails/s; placeOrder → SMTP accepted at ${jobs.ratePerSecond} orders/s: p50 ${jobs.latencyP50Ms} ms, p95 ${jobs.latencyP95Ms} ms`,
  );
  report.jobs = jobs;
}
if (run('node')) {
  const nodes = await benchNodes();
  report.node = nodes;
  if (!('skipped' in nodes)) summarise(nodeSummary(nodes));
}
if (run('live')) {
  const live = await benchLive();
  console.table(liveTable(live));
  report.live = live;
  summarise(liveSummary(live));
}
const dir = path.resolve(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const stamp = String(report.at).replaceAll(':', '-');
writeFileSync(path.join(dir, `bench-${stamp}.json`), JSON.stringify(report, null, 2));
if (summaries.length > 0) {
  writeFileSync(path.join(dir, `bench-${stamp}.md`), `${summaries.join('\n\n')}\n`);
}
