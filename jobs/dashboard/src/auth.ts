/**
 * Who may open the job dashboard. It can retry, clean, pause and empty queues, so in
 * production it is for operators only: the DASHBOARD_USER / DASHBOARD_PASSWORD pair, or an
 * ADMIN access token issued by the users service.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import { InvalidTokenError, tokenKey, verifyToken } from '@supergraph/auth';
import type { Logger } from '@supergraph/observability';

export type BasicCredentials = { user: string; password: string };

/** Options for {@link createDashboardAuth}. */
export type DashboardAuthOptions = {
  /** Outside production the dashboard is open, as the contract's dev default says. */
  production: boolean;
  /** The operator's basic-auth pair; null leaves ADMIN tokens as the only way in. */
  basic: BasicCredentials | null;
  /** Verifies bearer tokens; the same secret the router and the users service use. */
  jwtSecret: string;
  logger: Logger;
};

export const REALM = 'Job dashboard';

type Outcome = { ok: true } | { ok: false; status: 401 | 403; reason: string; message: string };

const refuse = (reason: string, message = 'Sign in to open the job dashboard.'): Outcome => ({
  ok: false,
  status: 401,
  reason,
  message,
});

// Hashing first gives both sides the same length, which timingSafeEqual needs, so that neither
// the content nor the length of the secret leaks through response times.
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function checkBasic(encoded: string, expected: BasicCredentials | null): Outcome {
  if (!expected) return refuse('basic auth not configured');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return refuse('malformed basic credentials');
  // Both comparisons always run, so a right user name with a wrong password takes as long as
  // a wrong user name: the timing tells nothing about which half was right.
  const userOk = sameSecret(decoded.slice(0, colon), expected.user);
  const passwordOk = sameSecret(decoded.slice(colon + 1), expected.password);
  return userOk && passwordOk ? { ok: true } : refuse('wrong user or password');
}

async function checkBearer(token: string, key: ReturnType<typeof tokenKey>): Promise<Outcome> {
  try {
    const viewer = await verifyToken(key, token);
    if (viewer.role === 'ADMIN') return { ok: true };
    return {
      ok: false,
      status: 403,
      reason: `role ${viewer.role}`,
      message: 'Only administrators can open the job dashboard.',
    };
  } catch (error) {
    if (error instanceof InvalidTokenError) return refuse(error.message);
    throw error;
  }
}

/** Fastify onRequest hook guarding every route of the plugin it is added to. */
export function createDashboardAuth(options: DashboardAuthOptions): onRequestAsyncHookHandler {
  const { production, basic, logger } = options;
  const key = tokenKey(options.jwtSecret);

  async function check(header: string | undefined): Promise<Outcome> {
    if (!header) return refuse('no credentials');
    const [scheme = '', value = '', ...rest] = header.trim().split(/\s+/);
    if (!value || rest.length > 0) return refuse('malformed authorization header');
    // Auth schemes are case-insensitive (RFC 9110 §11.1).
    switch (scheme.toLowerCase()) {
      case 'basic':
        return checkBasic(value, basic);
      case 'bearer':
        return checkBearer(value, key);
      default:
        return refuse('unsupported authorization scheme');
    }
  }

  return async (request, reply) => {
    if (!production) return;
    const outcome = await check(request.headers.authorization);
    if (outcome.ok) return;
    // The reason says what was wrong, never what was sent: no header values reach the log, nor
    // does the query string. A missing header is every browser's first request, so it is not
    // worth a warning.
    logger[outcome.reason === 'no credentials' ? 'debug' : 'warn'](
      {
        reason: outcome.reason,
        method: request.method,
        path: request.url.split('?', 1)[0],
        ip: request.ip,
      },
      'job dashboard access refused',
    );
    // The challenge makes a browser show its sign-in prompt. A 403 goes without it: the
    // token was genuine, and prompting would suggest that retyping it could help.
    if (outcome.status === 401) reply.header('www-authenticate', `Basic realm="${REALM}"`);
    return reply
      .code(outcome.status)
      .header('cache-control', 'no-store')
      .send({
        error: {
          code: outcome.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
          message: outcome.message,
        },
      });
  };
}
