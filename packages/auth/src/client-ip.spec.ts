import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { clientIp, forwardedClientIp } from './client-ip.ts';

const request = (forwardedFor: string | string[] | undefined, peer = '10.0.0.1') =>
  ({
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: peer },
  }) as unknown as IncomingMessage;

describe('client address', () => {
  it('is the peer when no proxy is trusted, whatever the client wrote', () => {
    assert.equal(clientIp(request('203.0.113.9'), 0), '10.0.0.1');
    assert.equal(forwardedClientIp('203.0.113.9', 0), null);
  });

  it('is the entry the trusted proxies appended, never one further left', () => {
    assert.equal(clientIp(request('6.6.6.6, 198.51.100.23'), 1), '198.51.100.23');
    assert.equal(clientIp(request(['6.6.6.6', '198.51.100.23']), 1), '198.51.100.23');
    assert.equal(clientIp(request('198.51.100.23, 10.0.0.2'), 2), '198.51.100.23');
    // Fewer entries than hops: the leftmost there is.
    assert.equal(clientIp(request(undefined), 3), '10.0.0.1');
  });

  it('is read from the header lines alone where the connection is not seen', () => {
    assert.equal(forwardedClientIp(['10.9.9.9', '198.51.100.23'], 1), '198.51.100.23');
    assert.equal(forwardedClientIp('10.9.9.9, 198.51.100.23', 2), '10.9.9.9');
    assert.equal(forwardedClientIp(undefined, 1), null);
    assert.equal(forwardedClientIp([], 1), null);
  });
});
