/**
 * The dev supervisor (`scripts/dev-service.ts`) on a real process that listens on a port:
 * killed with SIGKILL, it comes back by itself; saved, it restarts; stopped with SIGTERM,
 * nothing is left.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { freePort, waitUntil } from '@supergraph/testing';

const SUPERVISOR = path.resolve(import.meta.dirname, 'dev-service.ts');

const SERVICE = `
import { createServer } from 'node:http';
createServer((_req, res) => res.end(String(process.pid))).listen(Number(process.env.PORT));
process.on('SIGTERM', () => process.exit(0));
`;

/** The pid of the process answering on the port, once one other than `not` answers. */
function servingPid(port: number, not?: number, timeoutMs = 20_000): Promise<number> {
  return waitUntil(
    async () => {
      try {
        const pid = Number(await (await fetch(`http://127.0.0.1:${port}/`)).text());
        return pid !== not ? pid : null;
      } catch {
        // Not (yet) listening.
        return null;
      }
    },
    { timeoutMs, intervalMs: 100, what: `a new process answering on ${port}` },
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the dev supervisor', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dev-service-'));
  let port = 0;
  let supervisor: ReturnType<typeof spawn>;

  before(async () => {
    writeFileSync(path.join(dir, 'index.ts'), SERVICE);
    port = await freePort();
    supervisor = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), SUPERVISOR, 'index.ts'],
      {
        cwd: dir,
        env: { ...process.env, PORT: String(port) },
        stdio: 'ignore',
      },
    );
  });

  after(() => {
    supervisor.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings a process killed with SIGKILL back by itself', async () => {
    const first = await servingPid(port);
    process.kill(first, 'SIGKILL');
    const second = await servingPid(port, first);
    assert.notEqual(second, first);
  });

  it('restarts the process when one of its files is saved', async () => {
    const before = await servingPid(port);
    // A save a moment after the watcher settled.
    await sleep(300);
    writeFileSync(path.join(dir, 'index.ts'), `${SERVICE}\n// saved\n`);
    const after = await servingPid(port, before);
    assert.notEqual(after, before);
  });

  it('stops, with its process, when whoever started it is gone', async () => {
    const port2 = await freePort();
    const command = [
      process.execPath,
      '--import',
      import.meta.resolve('tsx'),
      SUPERVISOR,
      'index.ts',
    ]
      .map((part) => `'${part}'`)
      .join(' ');
    // A parent that dies without a word, as a killed terminal or task runner does.
    const parent = spawn('sh', ['-c', `${command} & wait`], {
      cwd: dir,
      env: { ...process.env, PORT: String(port2) },
      stdio: 'ignore',
    });
    const child = await servingPid(port2);
    parent.kill('SIGKILL');
    await waitUntil(() => !alive(child), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'the process to stop with its supervisor',
    });
    assert.throws(() => process.kill(child, 0), /ESRCH/, 'the process outlived its supervisor');
    await assert.rejects(fetch(`http://127.0.0.1:${port2}/`));
  });

  it('stops its process and itself on SIGTERM, leaving the port free', async () => {
    const child = await servingPid(port);
    const exited = new Promise<number | null>((resolve) => supervisor.once('exit', resolve));
    supervisor.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.throws(() => process.kill(child, 0), /ESRCH/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
  });
});
