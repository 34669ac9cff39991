// @ts-check
// The forwarding server's limits in memory (proxy/limiter.js): per address (IPv6 by /64) and per
// customer identity, each positive beside its negative.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { addressKey, createLimits } from '../../proxy/limiter.js';

const SECRET = 'test-secret';

/** @param {Partial<Parameters<typeof createLimits>[0]>} [options] */
const limits = (options = {}) => createLimits({ addressPoints: 3, sendPoints: 2, keySecret: SECRET, ...options });

/** @param {ReturnType<typeof createLimits>} l @param {string} address @param {number} n */
async function takeAddressTimes(l, address, n) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await l.takeAddress(address));
  return results;
}

describe('proxy limits in memory', () => {
  test('the address limit lets N through, then refuses with a Retry-After within the window', async () => {
    const l = limits({ addressPoints: 3, addressWindowSec: 60 });
    const results = await takeAddressTimes(l, '203.0.113.7', 4);
    assert.deepEqual(results.slice(0, 3), [{ ok: true }, { ok: true }, { ok: true }]);
    const last = results[3];
    assert.equal(last?.ok, false);
    assert.ok(last && !last.ok && last.retryAfterSeconds >= 1 && last.retryAfterSeconds <= 60, JSON.stringify(last));
    // another address is not touched
    assert.deepEqual(await l.takeAddress('203.0.113.8'), { ok: true });
    await l.close();
  });

  test('the send limit lets N through, then refuses with a Retry-After within the window', async () => {
    const l = limits({ sendPoints: 2, sendWindowSec: 900 });
    const who = { brand: 'acme', identifierType: 'EMAIL', identifierValue: 'a@example.com' };
    assert.deepEqual(await l.takeSend(who), { ok: true });
    assert.deepEqual(await l.takeSend(who), { ok: true });
    const third = await l.takeSend(who);
    assert.ok(!third.ok && third.retryAfterSeconds > 850 && third.retryAfterSeconds <= 900, JSON.stringify(third));
    await l.close();
  });

  test('a send given back (refused upstream) frees its point; one not given back does not', async () => {
    const l = limits({ sendPoints: 2, sendWindowSec: 900 });
    const who = { brand: 'acme', identifierType: 'MOBILE', identifierValue: '919800000001' };
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(await l.takeSend(who), { ok: true }, `made-up session ${i}`);
      await l.refundSend(who);
    }
    assert.deepEqual(await l.takeSend(who), { ok: true });
    assert.deepEqual(await l.takeSend(who), { ok: true });
    assert.equal((await l.takeSend(who)).ok, false, 'two codes sent: the third is refused');
    await l.close();
  });

  test('a send given back after its window ended gives nothing: the next window still has its own N', async () => {
    const l = limits({ sendPoints: 2, sendWindowSec: 1 });
    const who = { brand: 'acme', identifierType: 'MOBILE', identifierValue: '919800000002' };
    assert.deepEqual(await l.takeSend(who), { ok: true });
    await sleep(1100); // the upstream call outlived the window
    await l.refundSend(who);
    assert.deepEqual(await l.takeSend(who), { ok: true });
    assert.deepEqual(await l.takeSend(who), { ok: true });
    assert.equal((await l.takeSend(who)).ok, false, 'not 3: the late refund opened no extra point');
    await l.close();
  });

  test('the window resets: refused at the end of a 1 s window, allowed again after it', async () => {
    const l = limits({ addressPoints: 1, addressWindowSec: 1, sendPoints: 1, sendWindowSec: 1 });
    const who = { brand: 'acme', identifierType: 'MOBILE', identifierValue: '919876543210' };
    assert.deepEqual(await l.takeAddress('198.51.100.1'), { ok: true });
    assert.deepEqual(await l.takeSend(who), { ok: true });
    const refusedAddress = await l.takeAddress('198.51.100.1');
    const refusedSend = await l.takeSend(who);
    assert.ok(!refusedAddress.ok && refusedAddress.retryAfterSeconds === 1);
    assert.ok(!refusedSend.ok && refusedSend.retryAfterSeconds === 1);
    await sleep(1100);
    assert.deepEqual(await l.takeAddress('198.51.100.1'), { ok: true });
    assert.deepEqual(await l.takeSend(who), { ok: true });
    await l.close();
  });

  test('IPv6 addresses in one /64 share a count; another /64 does not', async () => {
    const l = limits({ addressPoints: 2 });
    assert.deepEqual(await l.takeAddress('2001:db8:1:2::1'), { ok: true });
    assert.deepEqual(await l.takeAddress('2001:db8:1:2:ffff:eeee:dddd:cccc'), { ok: true });
    assert.equal((await l.takeAddress('2001:DB8:1:2::abcd')).ok, false, 'third address of the same /64 refused');
    assert.deepEqual(await l.takeAddress('2001:db8:1:3::1'), { ok: true }, 'the next /64 has its own count');
    await l.close();
  });

  test('addressKey: IPv4 as is, IPv4-mapped unmapped, IPv6 by /64', () => {
    assert.equal(addressKey('192.0.2.1'), '192.0.2.1');
    assert.equal(addressKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(addressKey('::FFFF:192.0.2.1'), '192.0.2.1');
    assert.equal(addressKey('2001:0db8:0000:0001:1:2:3:4'), '2001:db8:0:1::/64');
    assert.equal(addressKey('2001:db8:0:1::'), '2001:db8:0:1::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.notEqual(addressKey('2001:db8:0:1::1'), addressKey('2001:db8:0:2::1'));
    assert.notEqual(addressKey('192.0.2.1'), addressKey('192.0.2.2'));
  });

  test('an IPv4-mapped address shares its IPv4 count; a different IPv4 does not', async () => {
    const l = limits({ addressPoints: 1 });
    assert.deepEqual(await l.takeAddress('192.0.2.10'), { ok: true });
    assert.equal((await l.takeAddress('::ffff:192.0.2.10')).ok, false);
    assert.deepEqual(await l.takeAddress('192.0.2.11'), { ok: true });
    await l.close();
  });

  test('distinct identities are counted independently; the same one is not', async () => {
    const l = limits({ sendPoints: 1 });
    const base = { brand: 'acme', identifierType: 'EMAIL', identifierValue: 'a@example.com' };
    assert.deepEqual(await l.takeSend(base), { ok: true });
    assert.equal((await l.takeSend(base)).ok, false, 'same identity refused');
    assert.deepEqual(await l.takeSend({ ...base, identifierValue: 'b@example.com' }), { ok: true }, 'other value');
    assert.deepEqual(await l.takeSend({ ...base, brand: 'other' }), { ok: true }, 'other brand');
    assert.deepEqual(await l.takeSend({ ...base, identifierType: 'USERNAME' }), { ok: true }, 'other type');
    await l.close();
  });

  test('identities are normalised: MOBILE digits only, EMAIL case and spaces; different numbers stay apart', async () => {
    const l = limits({ sendPoints: 1 });
    assert.deepEqual(await l.takeSend({ brand: 'acme', identifierType: 'MOBILE', identifierValue: '+91 98765 43210' }), { ok: true });
    assert.equal(
      (await l.takeSend({ brand: 'acme', identifierType: 'MOBILE', identifierValue: '919876543210' })).ok,
      false,
      '+91 98765 43210 and 919876543210 are one customer',
    );
    assert.deepEqual(
      await l.takeSend({ brand: 'acme', identifierType: 'MOBILE', identifierValue: '919876543211' }),
      { ok: true },
      'another number is another customer',
    );
    assert.equal(
      (await l.takeSend({ brand: 'acme', identifierType: 'MOBILE', identifierValue: '0091-98765-43210' })).ok,
      false,
      'a 00 dialling prefix is the same customer',
    );
    assert.equal(
      (await l.takeSend({ brand: 'ACME ', identifierType: 'mobile', identifierValue: '919876543210' })).ok,
      false,
      'brand and type are counted without case or spaces',
    );
    assert.deepEqual(await l.takeSend({ brand: 'acme', identifierType: 'EMAIL', identifierValue: 'Ann@Example.COM' }), { ok: true });
    assert.equal((await l.takeSend({ brand: 'acme', identifierType: 'EMAIL', identifierValue: '  ann@example.com ' })).ok, false);
    assert.deepEqual(await l.takeSend({ brand: 'acme', identifierType: 'EMAIL', identifierValue: 'anne@example.com' }), { ok: true });
    await l.close();
  });

  test('0 points turns a limit off; the other limit still applies', async () => {
    const l = limits({ addressPoints: 0, sendPoints: 1 });
    const results = await takeAddressTimes(l, '203.0.113.9', 50);
    assert.ok(results.every((r) => r.ok), 'address limit off');
    const who = { brand: 'acme', identifierType: 'EMAIL', identifierValue: 'x@example.com' };
    assert.deepEqual(await l.takeSend(who), { ok: true });
    assert.equal((await l.takeSend(who)).ok, false, 'send limit on');

    const l2 = limits({ addressPoints: 1, sendPoints: 0 });
    for (let i = 0; i < 20; i++) assert.deepEqual(await l2.takeSend(who), { ok: true }, 'send limit off');
    assert.deepEqual(await l2.takeAddress('203.0.113.9'), { ok: true });
    assert.equal((await l2.takeAddress('203.0.113.9')).ok, false, 'address limit on');
    await l.close();
    await l2.close();
  });
});
