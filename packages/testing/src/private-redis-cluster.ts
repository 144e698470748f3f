import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RedisClusterTarget } from '@supergraph/config';
import { freePort, waitUntil } from './free-port.ts';
import { spawnRedisServer, stopRedisServer } from './redis-server.ts';

const run = promisify(execFile);

/** What a private cluster is started with. */
export type PrivateRedisClusterOptions = {
  /**
   * How long a node may be silent before the others count it failed, and the cluster stops
   * serving. Short, for a test that takes a node down; Redis's own default (15 s) otherwise.
   */
  nodeTimeoutMs?: number;
};

type Node = { port: number; child: ChildProcess | null };

/** `count` loopback ports that were free a moment ago, all different. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function clusterState(port: number): Promise<string | undefined> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
  return /^cluster_state:(\w+)/m.exec(stdout)?.[1];
}

/**
 * A Redis Cluster of a test's own: three masters, no replicas, each a redis-server on its own
 * loopback port with no persistence, their cluster files in a temporary folder.
 */
export class PrivateRedisCluster {
  private constructor(
    private readonly members: Node[],
    private readonly dir: string,
  ) {}

  /** The ports of its nodes. */
  get ports(): number[] {
    return this.members.map((node) => node.port);
  }

  /** Its nodes as REDIS_CLUSTER_NODES takes them. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** Its nodes as the Redis client factories take them. */
  get target(): RedisClusterTarget {
    return { cluster: this.ports.map((port) => ({ host: '127.0.0.1', port })) };
  }

  static async start(options: PrivateRedisClusterOptions = {}): Promise<PrivateRedisCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-redis-cluster-'));
    // The cluster bus listens on a port of its own; by default the node's port + 10000, which
    // for a port the system picked may not exist.
    const ports = await freePorts(6);
    const members: Node[] = ports.slice(0, 3).map((port) => ({ port, child: null }));
    const cluster = new PrivateRedisCluster(members, dir);
    try {
      await Promise.all(
        members.map(async (node, i) => {
          node.child = await spawnRedisServer(node.port, [
            '--cluster-enabled',
            'yes',
            '--cluster-port',
            String(ports[3 + i]),
            '--cluster-config-file',
            path.join(dir, `nodes-${node.port}.conf`),
            '--cluster-node-timeout',
            String(options.nodeTimeoutMs ?? 15_000),
            '--save',
            '',
            '--appendonly',
            'no',
            '--dir',
            dir,
          ]);
        }),
      );
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...members.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { timeout: 30_000 },
      );
      // Each node learns the slots of the others by gossip, moments after the create.
      await waitUntil(
        async () => {
          const states = await Promise.all(members.map((node) => clusterState(node.port)));
          return states.every((state) => state === 'ok');
        },
        { timeoutMs: 30_000, intervalMs: 100, what: 'cluster_state:ok on every node' },
      );
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Stops one node as a crash would: the slots it served go unserved. */
  async down(index: number): Promise<void> {
    const node = this.members[index];
    if (!node?.child) return;
    await stopRedisServer(node.child);
    node.child = null;
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((_, index) => this.down(index)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
