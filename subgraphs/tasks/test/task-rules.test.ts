import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskStatus } from '@supergraph/prisma/tasks';
import { canEditDetails, canTransition, completedAtAfter } from '../src/task-rules.ts';

const STATUSES: TaskStatus[] = ['OPEN', 'DONE', 'CANCELLED'];

describe('task status rules', () => {
  it('allows exactly the documented transitions, and staying put', () => {
    const allowed = new Set([
      'OPEN->OPEN',
      'OPEN->DONE',
      'OPEN->CANCELLED',
      'DONE->DONE',
      'DONE->OPEN',
      'CANCELLED->CANCELLED',
      'CANCELLED->OPEN',
    ]);
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        assert.equal(canTransition(from, to), allowed.has(`${from}->${to}`), `${from} -> ${to}`);
      }
    }
  });

  it('records completion on DONE, clears it on leaving DONE, and leaves no-ops alone', () => {
    const now = new Date('2030-01-31T09:00:00Z');
    assert.equal(completedAtAfter('OPEN', 'DONE', now), now);
    assert.equal(completedAtAfter('DONE', 'OPEN', now), null);
    assert.equal(completedAtAfter('OPEN', 'CANCELLED', now), null);
    assert.equal(completedAtAfter('CANCELLED', 'OPEN', now), null);
    assert.equal(completedAtAfter('DONE', 'DONE', now), undefined);
    assert.equal(completedAtAfter('OPEN', 'OPEN', now), undefined);
  });

  it('lets only OPEN tasks be edited', () => {
    assert.deepEqual(
      STATUSES.filter((status) => canEditDetails(status)),
      ['OPEN'],
    );
  });
});
