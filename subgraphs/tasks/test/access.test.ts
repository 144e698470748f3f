import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Viewer } from '@supergraph/common';
import {
  assertMayAssign,
  assertMayChange,
  canManage,
  canReadTasksOf,
  canSee,
  scopeFor,
} from '../src/access.ts';

const OWNER = '0190a000-0000-7000-8000-000000000001';
const ASSIGNEE = '0190a000-0000-7000-8000-000000000002';
const STRANGER = '0190a000-0000-7000-8000-000000000003';
const customer = (id: string): Viewer => ({ id, role: 'CUSTOMER' });
const staff: Viewer = { id: STRANGER, role: 'STAFF' };
const admin: Viewer = { id: STRANGER, role: 'ADMIN' };
const task = { ownerId: OWNER, assigneeId: ASSIGNEE };

describe('task access rules', () => {
  it('shows a task to its owner, its assignee and staff only', () => {
    assert.equal(canSee(customer(OWNER), task), true);
    assert.equal(canSee(customer(ASSIGNEE), task), true);
    assert.equal(canSee(customer(OWNER.toUpperCase()), task), true);
    assert.equal(canSee(customer(STRANGER), task), false);
    assert.equal(canSee(customer(ASSIGNEE), { ownerId: OWNER, assigneeId: null }), false);
    assert.equal(canSee(staff, task), true);
    assert.equal(canSee(admin, task), true);
  });

  it('lets the owner and staff manage a task, not the assignee', () => {
    assert.equal(canManage(customer(OWNER), task), true);
    assert.equal(canManage(customer(ASSIGNEE), task), false);
    assert.equal(canManage(staff, task), true);
  });

  it('lets customers assign only themselves, staff anyone', () => {
    assert.doesNotThrow(() => assertMayAssign(customer(OWNER), OWNER));
    assert.doesNotThrow(() => assertMayAssign(customer(OWNER), null));
    assert.throws(
      () => assertMayAssign(customer(OWNER), ASSIGNEE),
      (error: { extensions?: { code?: string } }) => error.extensions?.code === 'FORBIDDEN',
    );
    assert.doesNotThrow(() => assertMayAssign(staff, ASSIGNEE));
  });

  it('scopes lists to the viewer unless staff', () => {
    assert.deepEqual(scopeFor(customer(OWNER.toUpperCase())), { kind: 'involving', userId: OWNER });
    assert.deepEqual(scopeFor(staff), { kind: 'all' });
    assert.equal(canReadTasksOf(customer(OWNER), OWNER), true);
    assert.equal(canReadTasksOf(customer(OWNER), ASSIGNEE), false);
    assert.equal(canReadTasksOf(admin, ASSIGNEE), true);
  });

  it('lets only staff change a fulfilment task, even its owner cannot', () => {
    const isForbidden = (error: { extensions?: { code?: string } }) =>
      error.extensions?.code === 'FORBIDDEN';
    assert.throws(() => assertMayChange(customer(OWNER), { kind: 'FULFILMENT' }), isForbidden);
    assert.doesNotThrow(() => assertMayChange(staff, { kind: 'FULFILMENT' }));
    assert.doesNotThrow(() => assertMayChange(admin, { kind: 'FULFILMENT' }));
    assert.doesNotThrow(() => assertMayChange(customer(OWNER), { kind: 'TODO' }));
  });
});
