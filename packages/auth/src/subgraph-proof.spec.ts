import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { createProof, verifyProof } from './subgraph-proof.ts';

const secret = 'proof-test-secret-proof-test-secret-0123';
const viewer = { id: '0190a0a0-0000-7000-8000-000000000001', role: 'STAFF' as const };

function tamper(proof: string, claims: Record<string, unknown>): string {
  const [v, ts, , mac] = proof.split('.');
  return `${v}.${ts}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`;
}

describe('router proof', () => {
  it('carries the viewer, or none, when signed with the shared secret', () => {
    assert.deepEqual(verifyProof(secret, createProof(secret, viewer)), {
      ok: true,
      viewer,
      clientIp: null,
    });
    assert.deepEqual(verifyProof(secret, createProof(secret, null)), {
      ok: true,
      viewer: null,
      clientIp: null,
    });
  });

  it("carries the client's IP, with or without a viewer", () => {
    assert.deepEqual(
      verifyProof(secret, createProof(secret, viewer, { clientIp: '203.0.113.7' })),
      {
        ok: true,
        viewer,
        clientIp: '203.0.113.7',
      },
    );
    assert.deepEqual(verifyProof(secret, createProof(secret, null, { clientIp: '2001:db8::1' })), {
      ok: true,
      viewer: null,
      clientIp: '2001:db8::1',
    });
    // An empty address is no address, and keeps the anonymous proof's empty payload.
    const empty = createProof(secret, null, { clientIp: '' });
    assert.equal(empty.split('.')[2], '');
    assert.deepEqual(verifyProof(secret, empty), { ok: true, viewer: null, clientIp: null });
  });

  it('refuses missing, tampered, foreign and stale proofs', () => {
    assert.equal(verifyProof(secret, undefined).ok, false);
    const proof = createProof(secret, viewer);
    assert.equal(verifyProof(secret, tamper(proof, { ...viewer, role: 'ADMIN' })).ok, false);
    assert.equal(
      verifyProof(secret, createProof('other-secret-other-secret-other-secret', viewer)).ok,
      false,
    );
    const old = createProof(secret, viewer, Date.now() - 10 * 60_000);
    assert.deepEqual(verifyProof(secret, old), { ok: false, reason: 'expired router proof' });
    const oldWithIp = createProof(secret, null, { clientIp: '203.0.113.7', now: 0 });
    assert.deepEqual(verifyProof(secret, oldWithIp), { ok: false, reason: 'expired router proof' });
  });

  it('refuses a proof whose client IP was changed, added or removed', () => {
    const signed = createProof(secret, viewer, { clientIp: '203.0.113.7' });
    const invalid = { ok: false, reason: 'invalid router proof' };
    // A client rotating its address to dodge a per-IP limit...
    assert.deepEqual(
      verifyProof(secret, tamper(signed, { ...viewer, ip: '198.51.100.1' })),
      invalid,
    );
    // ...or dropping it to share the bucket of requests with no address.
    assert.deepEqual(verifyProof(secret, tamper(signed, { ...viewer })), invalid);
    const anonymous = createProof(secret, null);
    assert.deepEqual(verifyProof(secret, tamper(anonymous, { ip: '198.51.100.1' })), invalid);
  });

  it('refuses a signed payload whose address is not a string', () => {
    const data = `v1.${Math.floor(Date.now() / 1000)}.${Buffer.from(JSON.stringify({ ip: 42 })).toString('base64url')}`;
    const proof = `${data}.${createHmac('sha256', secret).update(data).digest('base64url')}`;
    assert.deepEqual(verifyProof(secret, proof), {
      ok: false,
      reason: 'malformed client address',
    });
  });
});
