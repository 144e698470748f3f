/**
 * Serves the built client (dist/) in production, as the `web` image and `npm start` do: the
 * files vite built, index.html for every other path (the client's own routes), long-lived
 * caching for the content-hashed assets, and GET /health. Plain node:http, no dependencies:
 * the image carries Node and this file only. Runs with Node's own TypeScript type stripping.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};

async function fileAt(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // Resolved against the root and checked to stay inside it: no `..` escapes.
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? file : null;
}

/** The server, not yet listening. `root` is the folder vite built into. */
export function createStaticServer(root: string): Server {
  const dir = path.resolve(root);
  const index = path.join(dir, 'index.html');
  return createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...HEADERS }).end();
      return;
    }
    if (pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json', ...HEADERS });
      res.end(req.method === 'HEAD' ? undefined : '{"status":"ok"}');
      return;
    }
    const found = await fileAt(dir, pathname);
    // A missing asset is a 404; any other path is one of the client's routes.
    if (!found && (pathname.startsWith('/assets/') || path.extname(pathname))) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...HEADERS });
      res.end('Not found');
      return;
    }
    const file = found ?? index;
    const hashed = file.startsWith(path.join(dir, 'assets') + path.sep);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      // Vite names assets by their content; index.html must be fetched anew to find new ones.
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...HEADERS,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

function port(raw = '5173'): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    process.stderr.write(`configuration error: WEB_PORT: expected a port number, got "${raw}"\n`);
    process.exit(1);
  }
  return value;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const server = createStaticServer(root);
  const listenPort = port(process.env.WEB_PORT);
  server.listen(listenPort, process.env.WEB_HOST ?? '0.0.0.0', () => {
    process.stdout.write(`web client at http://localhost:${listenPort}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
