/**
 * Where Redis is: one server, named by its URL, or a Redis Cluster, named by a few of its
 * nodes (the client learns the rest, and which node holds which slot, from them).
 */

/** A node of a Redis Cluster. */
export type RedisNode = { host: string; port: number };

/** A Redis Cluster: its seed nodes, and the credentials and TLS setting every node shares. */
export type RedisClusterTarget = {
  cluster: RedisNode[];
  username?: string;
  password?: string;
  tls?: boolean;
};

/** One Redis server's `redis://` or `rediss://` URL, or a cluster. */
export type RedisTarget = string | RedisClusterTarget;

export function isClusterTarget(target: RedisTarget): target is RedisClusterTarget {
  return typeof target !== 'string';
}

/**
 * Whether every key under `prefix` hashes to one cluster slot: Redis hashes only what stands
 * between the first `{` and the next `}` when that is not empty.
 */
export function isHashTag(prefix: string): boolean {
  return /^\{[^{}]+\}$/.test(prefix);
}

const DEFAULT_PORT = 6379;

type ParsedNode = RedisNode & { tls: boolean; username: string; password: string };

function parseNode(entry: string): ParsedNode | null {
  try {
    const url = new URL(entry.includes('://') ? entry : `redis://${entry}`);
    const bare = url.pathname === '' || url.pathname === '/';
    if (!['redis:', 'rediss:'].includes(url.protocol) || !url.hostname || !bare || url.search) {
      return null;
    }
    return {
      // An IPv6 address keeps its brackets in a URL; the socket wants it without them.
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : DEFAULT_PORT,
      tls: url.protocol === 'rediss:',
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
  } catch {
    return null;
  }
}

/**
 * Reads REDIS_CLUSTER_NODES: comma-separated `host:port` or `redis://[user:password@]host:port`
 * (`rediss://` for TLS). The client uses one set of credentials and one TLS setting for every
 * node it discovers, so the seed nodes must agree on them. Throws an Error whose message says
 * what is wrong, in one line.
 */
export function parseClusterNodes(value: string): RedisClusterTarget {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('expected host:port seed nodes, separated by commas');
  const nodes = entries.map((entry) => {
    const node = parseNode(entry);
    if (node) return node;
    // The message is logged: a password in the entry must not be.
    const shown = entry.replace(/\/\/[^@/]*@/, '//…@');
    throw new Error(`"${shown}" is not host:port or redis://host:port`);
  });
  const [first] = nodes as [ParsedNode];
  const differs = nodes.some(
    (node) =>
      node.tls !== first.tls ||
      node.username !== first.username ||
      node.password !== first.password,
  );
  if (differs) throw new Error('every node must have the same scheme and credentials');
  return {
    cluster: nodes.map(({ host, port }) => ({ host, port })),
    ...(first.username ? { username: first.username } : {}),
    ...(first.password ? { password: first.password } : {}),
    ...(first.tls ? { tls: true } : {}),
  };
}

/**
 * The variables that name `target`, as `parseClusterNodes` and REDIS_URL read them, for a
 * process started with them. The other variable is set empty, so that one inherited from the
 * parent cannot take precedence.
 */
export function redisTargetEnv(target: RedisTarget): {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES: string;
} {
  if (!isClusterTarget(target)) return { REDIS_URL: target, REDIS_CLUSTER_NODES: '' };
  const auth =
    target.username || target.password
      ? `${encodeURIComponent(target.username ?? '')}:${encodeURIComponent(target.password ?? '')}@`
      : '';
  const scheme = target.tls ? 'rediss' : 'redis';
  const nodes = target.cluster.map(({ host, port }) => {
    const address = host.includes(':') ? `[${host}]` : host;
    return `${scheme}://${auth}${address}:${port}`;
  });
  return { REDIS_URL: '', REDIS_CLUSTER_NODES: nodes.join(',') };
}
