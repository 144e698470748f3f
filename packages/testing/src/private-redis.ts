import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';
import { spawnRedisServer, stopRedisServer } from './redis-server.ts';

/**
 * A redis-server of a test's own, on its own port, persisting with AOF in a temporary folder:
 * it can be stopped and started again with its data, as a production Redis restarts.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), mkdtempSync(path.join(tmpdir(), 'sg-redis-')));
    await redis.up();
    return redis;
  }

  async up(): Promise<void> {
    if (this.child) return;
    const child = await spawnRedisServer(this.port, [
      '--dir',
      this.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ]);
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
  }

  /** Stops the server as a crash or restart would, keeping its AOF. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await stopRedisServer(child);
    this.child = null;
  }

  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
