/**
 * Live subscriptions over WebSocket (the graphql-transport-ws protocol of the graphql-ws
 * library) at the router's /graphql. The token comes in `connectionParams.authorization`; the
 * library keeps the link alive with pings and terminates a client that stops answering them.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientIp } from '@supergraph/auth';
import type { Logger } from '@supergraph/observability';
import type { ConnectionLimits } from './connection-limits.ts';
import type { LiveService, Session } from './live-service.ts';
import type { LiveMetrics } from './live-metrics.ts';

export type WsTransportOptions = {
  server: Server;
  service: LiveService;
  schema: () => GraphQLSchema | null;
  limits: ConnectionLimits;
  metrics: LiveMetrics;
  logger: Logger;
  trustedProxyHops: number;
  /** Which browser origins may connect, as for HTTP requests. */
  allowedOrigin: (origin: string) => boolean;
  /** Subscriptions one connection may hold at once. */
  maxSubscriptionsPerConnection: number;
  /** Unsent bytes past which a client counts as too slow. */
  maxBufferedBytes: number;
  /** Largest message a client may send, in bytes. */
  maxMessageBytes: number;
  /** Between pings; a client that misses one is dropped. */
  keepAliveMs: number;
};

type Connection = { session: Session | null; subscriptions: number; release: () => void };

/** The protocol's close code for a server going away (RFC 6455). */
const GOING_AWAY = 1001;

function reject(socket: Duplex, status: number, message: string) {
  socket.end(
    `HTTP/1.1 ${status} ${message}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}

export function attachWsTransport(options: WsTransportOptions) {
  const { service, metrics, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  const connections = new WeakMap<WebSocket, Connection>();

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/graphql') {
      reject(socket, 404, 'Not Found');
      return;
    }
    // Browsers send their page's origin on an upgrade and apply no CORS to WebSockets: the
    // same allowlist as for HTTP keeps other sites' pages out.
    const origin = req.headers.origin;
    if (origin && !options.allowedOrigin(origin)) {
      metrics.drops.inc({ transport: 'ws', reason: 'origin_not_allowed' });
      reject(socket, 403, 'Forbidden');
      return;
    }
    const ip = clientIp(req, options.trustedProxyHops);
    const release = options.limits.acquire(ip);
    if (!release) {
      metrics.drops.inc({ transport: 'ws', reason: 'too_many_connections' });
      reject(socket, 429, 'Too Many Requests');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections.set(ws, { session: null, subscriptions: 0, release });
      metrics.connections.inc({ transport: 'ws' });
      ws.once('close', () => {
        release();
        metrics.connections.dec({ transport: 'ws' });
      });
      wss.emit('connection', ws, req);
    });
  }
  options.server.on('upgrade', onUpgrade);

  const connectionOf = (extra: Extra) => connections.get(extra.socket);

  const disposable = useServer(
    {
      connectionInitWaitTimeout: 10_000,
      async onConnect(ctx) {
        const connection = connectionOf(ctx.extra);
        if (!connection) return false;
        connection.session = await service.authenticate(
          ctx.connectionParams?.authorization,
          clientIp(ctx.extra.request, options.trustedProxyHops),
        );
        return true;
      },
      onSubscribe(ctx, _id, payload) {
        const connection = connectionOf(ctx.extra);
        if (!connection?.session) return [new GraphQLError('Not connected.')];
        if (connection.subscriptions >= options.maxSubscriptionsPerConnection) {
          metrics.drops.inc({ transport: 'ws', reason: 'too_many_subscriptions' });
          return [
            new GraphQLError(
              `At most ${options.maxSubscriptionsPerConnection} subscriptions per connection.`,
              { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } },
            ),
          ];
        }
        const socket = ctx.extra.socket;
        const live = service.subscribe({
          query: payload.query,
          variables: payload.variables,
          operationName: payload.operationName,
          session: connection.session,
          transport: 'ws',
          congested: () => socket.bufferedAmount > options.maxBufferedBytes,
          // Its buffer is full, so a close frame would wait behind it: cut the link.
          disconnect: () => socket.terminate(),
        });
        if (!('stream' in live)) return live;
        connection.subscriptions += 1;
        const args: ExecutionArgs = {
          schema: options.schema() as GraphQLSchema,
          document: live.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: { stream: live.stream },
        };
        return args;
      },
      subscribe(args) {
        return (args.contextValue as { stream: AsyncGenerator }).stream as never;
      },
      onComplete(ctx) {
        const connection = connectionOf(ctx.extra);
        if (connection) connection.subscriptions = Math.max(0, connection.subscriptions - 1);
      },
      onError(_ctx, _id, _payload, errors) {
        logger.debug({ errors: errors.map((error) => error.message) }, 'live subscription refused');
      },
    },
    wss,
    options.keepAliveMs,
  );

  return {
    /** Tells every client the server is going away, and closes their sockets. */
    async close() {
      options.server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(GOING_AWAY, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
