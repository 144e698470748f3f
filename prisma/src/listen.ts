import pg from 'pg';

export type ChannelListener = { stop(): Promise<void> };

export type ListenOptions = {
  databaseUrl: string;
  /** A lower-case identifier: the name a trigger passes to pg_notify. */
  channel: string;
  onNotify: () => void;
  onError: (error: Error) => void;
  /** Longest wait before reconnecting after the connection is lost. */
  maxBackoffMs?: number;
};

/**
 * Holds one connection that LISTENs on `channel`, reconnecting after a lost connection. A
 * notification says only "something was committed": the caller reads the table, which also
 * covers whatever was committed while the connection was down, so `onNotify` runs once after
 * every (re)connect as well.
 */
export async function listenChannel(options: ListenOptions): Promise<ChannelListener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error('invalid channel name');
  let client: pg.Client | null = null;
  let stopped = false;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.databaseUrl });
    next.on('notification', () => options.onNotify());
    next.on('error', (error) => {
      options.onError(error);
      reconnect();
    });
    next.on('end', () => reconnect());
    await next.connect();
    await next.query(`LISTEN ${options.channel}`);
    if (stopped) {
      await next.end();
      return;
    }
    client = next;
    failures = 0;
    options.onNotify();
  };

  const reconnect = () => {
    const lost = client;
    client = null;
    lost?.removeAllListeners();
    lost?.end().catch(() => {});
    if (stopped || retry) return;
    failures += 1;
    const delay = Math.min(options.maxBackoffMs ?? 5000, 100 * 2 ** Math.min(failures, 10));
    retry = setTimeout(() => {
      retry = null;
      connect().catch((error: Error) => {
        options.onError(error);
        reconnect();
      });
    }, delay);
    retry.unref();
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = null;
      current?.removeAllListeners();
      await current?.end().catch(() => {});
    },
  };
}
