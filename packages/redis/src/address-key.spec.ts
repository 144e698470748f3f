import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey } from './address-key.ts';

describe('rate-limit address keys', () => {
  it('keep IPv4 as it is, and count IPv4-mapped IPv6 as its IPv4 address', () => {
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('::FFFF:cb00:7107'), '203.0.113.7');
  });

  it('put every IPv6 address of one /64 in one bucket, and other /64s apart', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:DB8:0001:0002::'), '2001:db8:1:2::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.notEqual(addressKey('2001:db8:1:3::1'), addressKey('2001:db8:1:2::1'));
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });

  it('keep what is not an address as it is', () => {
    assert.equal(addressKey('unknown'), 'unknown');
  });
});
