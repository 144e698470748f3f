import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProof, verifyProof } from './subgraph-proof.ts';

const secret = 'proof-test-secret-proof-test-secret-0123';
const viewer = { id: '0190a0a0-0000-7000-8000-000000000001', role: 'STAFF' as const };

describe('router proof', () => {
  it('carries the viewer, or none, when signed with the shared secret', () => {
    assert.deepEqual(verifyProof(secret, createProof(secret, viewer)), { ok: true, viewer });
    assert.deepEqual(verifyProof(secret, createProof(secret, null)), { ok: true, viewer: null });
  });

  it('refuses missing, tampered, foreign and stale proofs', () => {
    assert.equal(verifyProof(secret, undefined).ok, false);
    const proof = createProof(secret, viewer);
    const [v, ts, , mac] = proof.split('.');
    const admin = Buffer.from(JSON.stringify({ ...viewer, role: 'ADMIN' })).toString('base64url');
    assert.equal(verifyProof(secret, `${v}.${ts}.${admin}.${mac}`).ok, false);
    assert.equal(
      verifyProof(secret, createProof('other-secret-other-secret-other-secret', viewer)).ok,
      false,
    );
    const old = createProof(secret, viewer, Date.now() - 10 * 60_000);
    assert.deepEqual(verifyProof(secret, old), { ok: false, reason: 'expired router proof' });
  });
});
