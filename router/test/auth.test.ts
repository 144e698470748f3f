import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { issueToken, tokenKey } from '@supergraph/auth';
import { viewerFromRequest } from '../src/auth.ts';

const key = tokenKey('router-test-secret-router-test-secret-0123');
const request = (authorization?: string) =>
  ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
const viewer = { id: '0190a0a0-0000-7000-8000-000000000001', role: 'CUSTOMER' as const };

async function refusal(authorization: string): Promise<unknown> {
  try {
    await viewerFromRequest(request(authorization), key);
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
  return 'accepted';
}

describe('router authentication', () => {
  it('accepts a valid token and treats no header as anonymous', async () => {
    assert.deepEqual(
      await viewerFromRequest(request(`Bearer ${await issueToken(key, viewer, 60)}`), key),
      viewer,
    );
    assert.equal(await viewerFromRequest(request(), key), null);
  });

  it('refuses expired, forged, alg:none and malformed tokens', async () => {
    const expired = await issueToken(key, viewer, 1);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(await refusal(`Bearer ${expired}`), 'UNAUTHENTICATED');
    const forged = await issueToken(
      tokenKey('another-secret-another-secret-another-0123'),
      { ...viewer, role: 'ADMIN' },
      60,
    );
    assert.equal(await refusal(`Bearer ${forged}`), 'UNAUTHENTICATED');
    const [, payload] = (await issueToken(key, { ...viewer, role: 'ADMIN' }, 60)).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    assert.equal(await refusal(`Bearer ${none}`), 'UNAUTHENTICATED');
    assert.equal(await refusal('Basic dXNlcjpwYXNz'), 'UNAUTHENTICATED');
  });
});
