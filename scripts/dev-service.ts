/**
 * Runs one process of `npm run dev`: restarts it when a source file it may load changes, and
 * also when it dies on its own (a crash, an OOM kill, `kill -9`), so a dev stack never stays
 * half down until somebody notices. `tsx watch` waits for a change after a crash, and after a
 * SIGKILL it never restarts at all.
 *
 *   node --import tsx ../../scripts/dev-service.ts src/index.ts
 *
 * Watches the service's own folder and the shared code every service loads (`packages/`,
 * `prisma/`). A process that keeps dying is restarted with a growing delay (up to 10 s); a save
 * restarts it at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { watch } from 'chokidar';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node --import tsx scripts/dev-service.ts <entry.ts>');
  process.exit(2);
}

const root = path.resolve(import.meta.dirname, '..');
const name = path.basename(process.cwd());
const WATCHED = [process.cwd(), path.join(root, 'packages'), path.join(root, 'prisma')];
const IGNORED = /(^|[/\\])(node_modules|dist|\.turbo|\.data|test-results|coverage)([/\\]|$)/;
const WATCHED_FILE = /\.(ts|tsx|js|mjs|json|graphql|prisma)$/;
const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
/** A process that stayed up this long was healthy: its next crash restarts it quickly again. */
const HEALTHY_AFTER_MS = 10_000;
// The project's own tsx, wherever the service's folder is.
const TSX = import.meta.resolve('tsx');

let child: ChildProcess | null = null;
let startedAt = 0;
let delay = MIN_DELAY_MS;
let pendingStart: NodeJS.Timeout | null = null;
let stopping = false;

function log(message: string) {
  console.log(`[dev] ${name}: ${message}`);
}

function start() {
  pendingStart = null;
  startedAt = Date.now();
  const current = spawn(process.execPath, ['--import', TSX, entry!], { stdio: 'inherit' });
  child = current;
  current.on('exit', (code, signal) => {
    if (child !== current) return;
    child = null;
    if (stopping) {
      process.exit(code ?? (signal ? 0 : 1));
    }
    if (Date.now() - startedAt > HEALTHY_AFTER_MS) delay = MIN_DELAY_MS;
    log(
      `exited (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(1)} s, or at the next save`,
    );
    pendingStart = setTimeout(start, delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  });
}

/** Stops the running process (SIGTERM, its graceful shutdown), then calls `then`. */
function stopChild(then: () => void) {
  const current = child;
  if (!current) return then();
  child = null;
  const force = setTimeout(() => current.kill('SIGKILL'), 15_000);
  current.once('exit', () => {
    clearTimeout(force);
    then();
  });
  current.kill('SIGTERM');
}

let restarting = false;
function restart(file: string) {
  if (stopping || restarting) return;
  log(`${path.relative(root, file)} changed; restarting`);
  if (pendingStart) clearTimeout(pendingStart);
  delay = MIN_DELAY_MS;
  restarting = true;
  stopChild(() => {
    restarting = false;
    if (stopping) process.exit(0);
    start();
  });
}

const watcher = watch(WATCHED, {
  ignoreInitial: true,
  ignored: (file, stats) => IGNORED.test(file) || (!!stats?.isFile() && !WATCHED_FILE.test(file)),
});
watcher.on('all', (event, file) => {
  if (event === 'add' || event === 'change' || event === 'unlink') restart(file);
});

function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  void watcher.close();
  if (pendingStart) clearTimeout(pendingStart);
  // A restart under way exits once the old process has stopped.
  if (restarting) return;
  if (!child) process.exit(0);
  child.kill(signal);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shutdown(signal));

// Whoever started us (turbo's task, a terminal) is gone without telling us: stop too, rather
// than keep a port taken that the next `npm run dev` needs.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutdown('SIGTERM');
}, 1_000).unref();

start();
