import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createDeliveryLedgers,
  type Attempt,
  type DeliveryState,
  type DeliveryTable,
} from './delivery-ledger.ts';

type Row = DeliveryState & { token: string | null; lastError?: string };

/** A table in memory, counting the statements a batch of emails costs. */
function memoryTable(rows: Map<string, Row>) {
  const calls = { claim: 0, markSent: 0 };
  const table: DeliveryTable<string> = {
    id: (key) => key.toLowerCase(),
    async claim(attempts: Array<Attempt<string>>, leaseMs: number) {
      calls.claim += 1;
      const won: string[] = [];
      for (const { key, token } of attempts) {
        const row = rows.get(key.toLowerCase());
        const free =
          row?.status === 'QUEUED' ||
          (row?.status === 'SENDING' && (row.claimedUntil?.getTime() ?? 0) < Date.now());
        if (!row || !free) continue;
        Object.assign(row, {
          status: 'SENDING',
          token,
          claimedUntil: new Date(Date.now() + leaseMs),
        });
        won.push(token);
      }
      return won;
    },
    async states(keys) {
      return new Map(
        keys.flatMap((key) => {
          const row = rows.get(key.toLowerCase());
          return row ? [[key.toLowerCase(), row] as const] : [];
        }),
      );
    },
    async renew({ key, token }, leaseMs) {
      const row = rows.get(key.toLowerCase());
      if (row?.token !== token) return false;
      row.claimedUntil = new Date(Date.now() + leaseMs);
      return true;
    },
    async markSent(attempts) {
      calls.markSent += 1;
      for (const { key, token } of attempts) {
        const row = rows.get(key.toLowerCase());
        if (row?.token === token) Object.assign(row, { status: 'SENT', token: null });
      }
    },
    async markFailed({ key, token }, error, final) {
      const row = rows.get(key.toLowerCase());
      if (row?.token !== token) return;
      Object.assign(row, { status: final ? 'FAILED' : 'QUEUED', token: null, lastError: error });
    },
  };
  return { table, calls };
}

const queued = (): Row => ({ status: 'QUEUED', claimedUntil: null, token: null });

describe('createDeliveryLedgers', () => {
  it('claims the emails in flight in one statement, and lets one of two copies win', async () => {
    const rows = new Map([
      ['a', queued()],
      ['b', queued()],
    ]);
    const { table, calls } = memoryTable(rows);
    const ledgers = createDeliveryLedgers(table);
    const claims = await Promise.all(['a', 'b', 'A'].map((key) => ledgers(key).claim(60_000)));
    assert.deepEqual(
      claims.map((claim) => claim.kind),
      ['claimed', 'claimed', 'busy'],
    );
    assert.equal(calls.claim, 1);
    await Promise.all(
      claims.slice(0, 2).map((claim, index) => {
        assert.ok(claim.kind === 'claimed');
        return ledgers(['a', 'b'][index]!).sent(claim.token);
      }),
    );
    assert.equal(calls.markSent, 1);
    assert.deepEqual(await ledgers('a').claim(60_000), { kind: 'finished' });
  });

  it('is finished without a row, and after a final failure', async () => {
    const rows = new Map([['a', queued()]]);
    const ledgers = createDeliveryLedgers(memoryTable(rows).table);
    assert.deepEqual(await ledgers('gone').claim(60_000), { kind: 'finished' });
    const claim = await ledgers('a').claim(60_000);
    assert.ok(claim.kind === 'claimed');
    await ledgers('a').failed(claim.token, 'x'.repeat(5000), true);
    assert.equal(rows.get('a')?.lastError?.length, 1000, 'cut to the column size');
    assert.deepEqual(await ledgers('a').claim(60_000), { kind: 'finished' });
  });
});
