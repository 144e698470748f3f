/**
 * Where the router answers, fixed at build time: VITE_ROUTER_URL, else the dev router. The
 * live transport (GraphQL over WebSocket) is on the same host, port and path.
 */
const DEFAULT_ROUTER_URL = 'http://localhost:4000/graphql';

function routerUrl(raw: string | undefined): URL {
  const value = raw?.trim() || DEFAULT_ROUTER_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`VITE_ROUTER_URL: expected an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`VITE_ROUTER_URL: expected an http(s) URL, got "${value}"`);
  }
  return url;
}

/** ws: for http:, wss: for https:, same host and path. */
export function liveUrlFor(httpUrl: URL): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

const ROUTER = routerUrl(import.meta.env.VITE_ROUTER_URL);

export const ROUTER_URL = ROUTER.toString();
export const LIVE_URL = liveUrlFor(ROUTER);
