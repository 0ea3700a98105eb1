import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ApiError } from '../../../src/apierrors/api-error.js';
import { transition, type WatcherInput, type WatcherState } from '../../../src/watcher/watcher-state.js';

const cm = (name: string, resourceVersion: string): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: 'default', name, resourceVersion },
});
const gone = new ApiError('watch v1 ConfigMap: 410 Gone: too old resource version', 410, 'Expired');
const unavailable = new Error('list v1 ConfigMap: request to 127.0.0.1:6443 failed: ECONNREFUSED');

function step(state: WatcherState, input: WatcherInput) {
  return transition<V1ConfigMap>(state, input, 'watch v1 ConfigMap');
}

describe('watcher state machine', () => {
  describe('Empty (nothing listed)', () => {
    it('goes to InitListed on a single-page list, bracketing the objects with Init and InitDone', () => {
      const s = step(
        { phase: 'Empty' },
        { type: 'ListPage', items: [cm('a', '5'), cm('b', '6')], resourceVersion: '7' },
      );
      assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '7' });
      assert.deepEqual(
        s.events.map((e) => e.type),
        ['Init', 'InitApply', 'InitApply', 'InitDone'],
      );
      assert.deepEqual(s.events.at(-1), { type: 'InitDone', resourceVersion: '7' });
      assert.equal(s.backoff, false);
    });

    it('goes to InitPage when the server returns a continue token', () => {
      const s = step(
        { phase: 'Empty' },
        { type: 'ListPage', items: [cm('a', '5')], resourceVersion: '7', continueToken: 'c1' },
      );
      assert.deepEqual(s.state, { phase: 'InitPage', continueToken: 'c1' });
      assert.deepEqual(
        s.events.map((e) => e.type),
        ['Init', 'InitApply'],
      );
    });

    it('stays Empty and backs off when the list fails', () => {
      const s = step({ phase: 'Empty' }, { type: 'ListFailed', error: unavailable });
      assert.deepEqual(s.state, { phase: 'Empty' });
      assert.equal(s.backoff, true);
      assert.equal(s.error, unavailable);
    });
  });

  it('skips listed items that are not objects with a name, and reports how many', () => {
    const s = step(
      { phase: 'Empty' },
      { type: 'ListPage', items: [cm('a', '5'), { metadata: {} }, 7], resourceVersion: '9' },
    );
    assert.deepEqual(
      s.events.map((e) => e.type),
      ['Init', 'InitApply', 'InitDone'],
    );
    assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '9' });
    assert.equal(s.backoff, false);
    assert.equal(
      String(s.error),
      'Error: watch v1 ConfigMap: skipped 2 listed items that are not objects with a metadata.name',
    );
  });

  describe('InitPage (part-way through a paginated list)', () => {
    it('emits no second Init and finishes on the last page', () => {
      const s = step(
        { phase: 'InitPage', continueToken: 'c1' },
        { type: 'ListPage', items: [cm('b', '6')], resourceVersion: '7' },
      );
      assert.deepEqual(
        s.events.map((e) => e.type),
        ['InitApply', 'InitDone'],
      );
      assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '7' });
    });

    it('falls back to one unpaginated list, at once, when the continue token expired (410)', () => {
      const s = step({ phase: 'InitPage', continueToken: 'c1' }, { type: 'ListFailed', error: gone });
      assert.deepEqual(s.state, { phase: 'Empty', unpaginated: true });
      assert.equal(s.backoff, false);
      assert.equal(s.error, gone);
      // The full list starts a new Init: the pages buffered so far are superseded.
      const full = step(s.state, {
        type: 'ListPage',
        items: [cm('a', '5'), cm('b', '6')],
        resourceVersion: '9',
      });
      assert.deepEqual(
        full.events.map((e) => e.type),
        ['Init', 'InitApply', 'InitApply', 'InitDone'],
      );
      assert.deepEqual(full.state, { phase: 'InitListed', resourceVersion: '9' });
    });

    it('retries the unpaginated list itself after the backoff when it fails', () => {
      const s = step({ phase: 'Empty', unpaginated: true }, { type: 'ListFailed', error: unavailable });
      assert.deepEqual(s.state, { phase: 'Empty', unpaginated: true });
      assert.equal(s.backoff, true);
    });

    it('retries the same page after the backoff on other errors', () => {
      const s = step({ phase: 'InitPage', continueToken: 'c1' }, { type: 'ListFailed', error: unavailable });
      assert.deepEqual(s.state, { phase: 'InitPage', continueToken: 'c1' });
      assert.equal(s.backoff, true);
    });
  });

  describe('InitListed (listed, or watch dropped)', () => {
    it('goes to Watching from the same resourceVersion when the watch opens', () => {
      const s = step({ phase: 'InitListed', resourceVersion: '7' }, { type: 'WatchStarted' });
      assert.deepEqual(s.state, { phase: 'Watching', resourceVersion: '7', events: 0 });
      assert.deepEqual(s.events, []);
    });

    it('relists after the (jittered) backoff when the watch is refused with 410 Gone, not at once', () => {
      const s = step({ phase: 'InitListed', resourceVersion: '7' }, { type: 'WatchFailed', error: gone });
      assert.deepEqual(s.state, { phase: 'Empty' });
      assert.equal(s.backoff, true);
    });

    it('retries the watch from the same resourceVersion after the backoff when the server is down', () => {
      const s = step(
        { phase: 'InitListed', resourceVersion: '7' },
        { type: 'WatchFailed', error: unavailable },
      );
      assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '7' });
      assert.equal(s.backoff, true);
    });
  });

  describe('Watching', () => {
    const watching: WatcherState = { phase: 'Watching', resourceVersion: '7', events: 0 };

    it('turns ADDED and MODIFIED into Apply and DELETED into Delete, advancing the resourceVersion', () => {
      const added = step(watching, { type: 'WatchEvent', event: { type: 'ADDED', object: cm('c', '8') } });
      assert.deepEqual(added.events, [{ type: 'Apply', object: cm('c', '8') }]);
      assert.deepEqual(added.state, { phase: 'Watching', resourceVersion: '8', events: 1 });
      const modified = step(added.state, {
        type: 'WatchEvent',
        event: { type: 'MODIFIED', object: cm('c', '9') },
      });
      assert.deepEqual(modified.events, [{ type: 'Apply', object: cm('c', '9') }]);
      const deleted = step(modified.state, {
        type: 'WatchEvent',
        event: { type: 'DELETED', object: cm('c', '10') },
      });
      assert.deepEqual(deleted.events, [{ type: 'Delete', object: cm('c', '10') }]);
      assert.deepEqual(deleted.state, { phase: 'Watching', resourceVersion: '10', events: 3 });
    });

    it('records a BOOKMARK so that a reconnect resumes after it', () => {
      const bookmark = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '42' } };
      const s = step(watching, { type: 'WatchEvent', event: { type: 'BOOKMARK', object: bookmark } });
      assert.deepEqual(s.events, [{ type: 'Bookmark', resourceVersion: '42' }]);
      const closed = step(s.state, { type: 'WatchClosed', openForMs: 10 });
      assert.deepEqual(closed.state, { phase: 'InitListed', resourceVersion: '42' });
      assert.equal(closed.backoff, false, 'a bookmark is an event: the watch was not cut short');
    });

    it('resumes from the last resourceVersion at once when the server closes the stream after its timeout', () => {
      const s = step(watching, { type: 'WatchClosed', openForMs: 300_000 });
      assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '7' });
      assert.equal(s.backoff, false);
      assert.equal(s.error, undefined);
    });

    it('resumes at once a watch that closed soon but after delivering events', () => {
      const s = step({ ...watching, events: 2 }, { type: 'WatchClosed', openForMs: 20 });
      assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '7' });
      assert.equal(s.backoff, false);
    });

    it('backs off before reopening a watch closed within a second without an event (a very short watch)', () => {
      const s = step(watching, { type: 'WatchClosed', openForMs: 3 });
      assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '7' });
      assert.equal(s.backoff, true);
      assert.ok(s.error instanceof Error);
      assert.equal(
        s.error.message,
        'watch v1 ConfigMap: very short watch: closed after 3 ms without an event',
      );
    });

    it('resumes from the last resourceVersion after the backoff when the connection breaks or goes silent', () => {
      const s = step(watching, { type: 'WatchBroken', error: new Error('no event for 180000 ms') });
      assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '7' });
      assert.equal(s.backoff, true);
    });

    it('relists after an in-stream 410 "too old resource version" error', () => {
      const status = {
        kind: 'Status',
        code: 410,
        reason: 'Expired',
        message: 'too old resource version: 7 (12)',
      };
      const s = step(watching, { type: 'WatchEvent', event: { type: 'ERROR', object: status } });
      assert.deepEqual(s.state, { phase: 'Empty' });
      assert.equal(s.backoff, true);
      assert.ok(s.error instanceof ApiError);
      assert.equal(s.error.message, 'watch v1 ConfigMap: 410 Gone: too old resource version: 7 (12)');
    });

    it('reopens the watch after the backoff on other in-stream errors', () => {
      const status = { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd leader changed' };
      const s = step(watching, { type: 'WatchEvent', event: { type: 'ERROR', object: status } });
      assert.deepEqual(s.state, { phase: 'InitListed', resourceVersion: '7' });
      assert.equal(s.backoff, true);
    });

    it('skips an event of an unknown type, keeps watching, and still advances the resourceVersion', () => {
      const s = step(watching, { type: 'WatchEvent', event: { type: 'RESTARTED', object: cm('c', '8') } });
      assert.deepEqual(s.state, { phase: 'Watching', resourceVersion: '8', events: 1 });
      assert.deepEqual(s.events, []);
      assert.equal(s.backoff, false);
      assert.ok(s.error instanceof Error);
      assert.equal(s.error.message, 'watch v1 ConfigMap: skipped a watch event of unknown type "RESTARTED"');
    });

    it('skips an ADDED, MODIFIED or DELETED event whose object has no name, or is no object at all', () => {
      for (const object of [
        { metadata: { resourceVersion: '8' } },
        { metadata: { name: '' } },
        null,
        'x',
        [1],
      ]) {
        const s = step(watching, { type: 'WatchEvent', event: { type: 'MODIFIED', object } });
        assert.deepEqual(s.events, [], JSON.stringify(object));
        assert.equal(s.state.phase, 'Watching');
        assert.equal(s.backoff, false);
        assert.match(String(s.error), /skipped a MODIFIED event whose object has no metadata\.name/);
      }
      const notAnEvent = step(watching, { type: 'WatchEvent', event: 42 });
      assert.deepEqual(notAnEvent.state, { ...watching, events: 1 });
      assert.match(String(notAnEvent.error), /skipped a watch event that is not an object/);
    });

    it('refuses inputs that cannot follow a watch (a programming error, not a server error)', () => {
      assert.throws(
        () => step(watching, { type: 'ListPage', items: [], resourceVersion: '1' }),
        /Watching got ListPage/,
      );
    });
  });
});
