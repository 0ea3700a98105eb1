import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ReadYourWrites, showsWrite } from '../../../src/cache/read-your-writes.js';

const at = (resourceVersion: string): KubernetesObject => ({ metadata: { name: 'a', resourceVersion } });
const wrote = (resourceVersion: string) => ({ resourceVersion, deleted: false });
const deleted = (resourceVersion?: string) => ({ resourceVersion, deleted: true });

/** Settles to 'waiting' if `promise` has not resolved after the pending microtasks and one macrotask. */
async function state<T>(promise: Promise<T>): Promise<T | 'waiting'> {
  return Promise.race([promise, sleep(5).then(() => 'waiting' as const)]);
}

describe('ReadYourWrites (read-your-writes bookkeeping)', () => {
  it('is shown only by the exact resourceVersion written, or for a delete by absence', () => {
    assert.equal(showsWrite(wrote('7'), at('7')), true);
    assert.equal(showsWrite(wrote('7'), at('6')), false);
    assert.equal(showsWrite(wrote('7'), at('8')), false, 'resourceVersions are opaque: no "newer than"');
    assert.equal(showsWrite(wrote('7'), undefined), false);
    assert.equal(showsWrite(deleted(), undefined), true);
    assert.equal(
      showsWrite(deleted('9'), at('9')),
      true,
      'held by a finalizer, at the version the delete returned',
    );
    assert.equal(showsWrite(deleted(), at('8')), false);
  });

  it('a reader waits until an informer stores the written resourceVersion, then the entry is gone', async () => {
    const pending = new ReadYourWrites({ timeoutMs: 10_000 });
    pending.record('v1/ConfigMap', 'ns/a', wrote('7'));
    const read = pending.waitFor('v1/ConfigMap', ['ns/a'], () => at('6'));
    pending.observe('v1/ConfigMap', 'ns/a', at('6'));
    assert.equal(await state(read), 'waiting', 'another version does not end it');
    pending.observe('v1/ConfigMap', 'ns/a', at('7'));
    assert.equal(await read, true, 'it waited');
    assert.equal(pending.size, 0);
    assert.equal(
      await pending.waitFor('v1/ConfigMap', ['ns/a'], () => at('6')),
      false,
      'nothing left to wait for',
    );
  });

  it('answers at once, and ends the entry, when the store already shows the write', async () => {
    const pending = new ReadYourWrites({ timeoutMs: 10_000 });
    pending.record('v1/ConfigMap', 'ns/a', wrote('7'));
    assert.equal(await pending.waitFor('v1/ConfigMap', ['ns/a'], () => at('7')), false);
    assert.equal(pending.size, 0);
  });

  it('keeps kinds and keys apart, and lists pending keys by filter', () => {
    const pending = new ReadYourWrites({ timeoutMs: 10_000 });
    pending.record('v1/ConfigMap', 'ns/a', wrote('7'));
    pending.record('v1/ConfigMap', 'other/b', wrote('8'));
    pending.record('v1/Secret', 'ns/a', wrote('9'));
    pending.observe('v1/Secret', 'ns/a', at('7'));
    assert.deepEqual(pending.get('v1/ConfigMap', 'ns/a'), wrote('7'));
    assert.deepEqual(
      pending.keys('v1/ConfigMap', (k) => k.startsWith('ns/')),
      ['ns/a'],
    );
    assert.deepEqual(pending.keys('v1/ConfigMap').sort(), ['ns/a', 'other/b']);
    assert.equal(pending.size, 3);
  });

  it('a newer write of the key replaces the expectation, and its readers wait for the newer one', async () => {
    const pending = new ReadYourWrites({ timeoutMs: 10_000 });
    pending.record('v1/ConfigMap', 'ns/a', wrote('7'));
    const read = pending.waitFor('v1/ConfigMap', ['ns/a'], () => undefined);
    pending.record('v1/ConfigMap', 'ns/a', wrote('8'));
    pending.observe('v1/ConfigMap', 'ns/a', at('7'));
    assert.equal(await state(read), 'waiting');
    pending.observe('v1/ConfigMap', 'ns/a', at('8'));
    assert.equal(await read, true);
  });

  it('a delete is shown by the deletion; any deletion of the key ends a pending write', async () => {
    const pending = new ReadYourWrites({ timeoutMs: 10_000 });
    pending.record('v1/ConfigMap', 'ns/a', deleted());
    const read = pending.waitFor('v1/ConfigMap', ['ns/a'], () => at('6'));
    pending.observe('v1/ConfigMap', 'ns/a', undefined);
    assert.equal(await read, true);
    pending.record('v1/ConfigMap', 'ns/b', wrote('7'));
    pending.observe('v1/ConfigMap', 'ns/b', undefined);
    assert.equal(pending.size, 0, 'the informer moved past the write');
  });

  it('gives up after the timeout: readers go on, the entry is gone, and the timeout is reported once', async () => {
    const timeouts: string[] = [];
    const pending = new ReadYourWrites({
      timeoutMs: 30,
      onTimeout: (kind, key) => timeouts.push(`${kind} ${key}`),
    });
    // The timeout runs from the write's record: measure from there, so a pause before waitFor cannot shorten it.
    const started = performance.now();
    pending.record('v1/ConfigMap', 'ns/a', wrote('7'));
    assert.equal(await pending.waitFor('v1/ConfigMap', ['ns/a'], () => at('6')), true);
    assert.ok(performance.now() - started >= 25, 'waited about the timeout');
    assert.deepEqual(timeouts, ['v1/ConfigMap ns/a']);
    assert.equal(pending.size, 0);
    pending.observe('v1/ConfigMap', 'ns/a', at('7'));
    await sleep(40);
    assert.deepEqual(timeouts, ['v1/ConfigMap ns/a'], 'no second report');
  });

  it('records nothing when the timeout is 0 (disabled)', async () => {
    const pending = new ReadYourWrites({ timeoutMs: 0 });
    pending.record('v1/ConfigMap', 'ns/a', wrote('7'));
    assert.equal(pending.enabled, false);
    assert.equal(pending.size, 0);
    assert.equal(await pending.waitFor('v1/ConfigMap', ['ns/a'], () => undefined), false);
  });
});
