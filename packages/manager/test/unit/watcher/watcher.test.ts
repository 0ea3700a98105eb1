import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ApiError } from '../../../src/apierrors/api-error.js';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import type { Backoff } from '../../../src/watcher/backoff.js';
import type {
  ListRequest,
  ListResponse,
  ListWatchSource,
  WatchLines,
  WatchRequest,
} from '../../../src/watcher/list-watch-source.js';
import type { StreamRead } from '../../../src/watcher/watch-stream.js';
import { Watcher, type WatcherTuning } from '../../../src/watcher/watcher.js';
import type { WatcherEvent } from '../../../src/watcher/watcher-event.js';

/**
 * The driver of the watcher state machine, on a scripted source: each test scripts what the API server answers
 * (pages, watches and their lines, failures) and reads one log of what the driver asked for, waited for and yielded.
 */

/** What a scripted watch yields, one per `next()`: a line, the end of the stream, silence, or a broken connection. */
type Line = string | { readonly end: true } | { readonly silent: true } | Error;

const end = { end: true } as const;
const silent = { silent: true } as const;

const cm = (name: string, resourceVersion: string) => ({
  metadata: { namespace: 'default', name, resourceVersion },
});
const event = (type: string, object: unknown) => JSON.stringify({ type, object });

/** An open watch that plays its lines, then waits until it is closed. */
class ScriptedWatch implements WatchLines {
  closed = false;
  #onClose: (() => void) | undefined;

  constructor(private readonly lines: Line[]) {}

  async next(inactivityTimeoutMs: number): Promise<StreamRead> {
    await Promise.resolve();
    const line = this.lines.shift();
    if (line === undefined) {
      // Script over: hang like a quiet watch until the driver (or the test's abort) closes it.
      await new Promise<void>((resolve) => (this.#onClose = resolve));
      return { type: 'end' };
    }
    if (line instanceof Error) throw line;
    if (typeof line === 'string') return { type: 'line', line };
    if ('silent' in line) {
      assert.ok(inactivityTimeoutMs > 0);
      return { type: 'silent' };
    }
    return { type: 'end' };
  }

  close(): void {
    this.closed = true;
    this.#onClose?.();
  }
}

/** Answers lists and watches from a script, logging each request; past the script it waits for the abort. */
class ScriptedSource implements ListWatchSource {
  readonly watches: ScriptedWatch[] = [];

  constructor(
    private readonly log: string[],
    private readonly lists: (ListResponse | Error)[],
    private readonly opens: (Line[] | Error)[],
  ) {}

  async list(request: ListRequest, signal: AbortSignal): Promise<ListResponse> {
    this.log.push(
      `list limit=${request.limit ?? 'none'}${request.continueToken ? ` continue=${request.continueToken}` : ''}`,
    );
    const next = this.lists.shift();
    if (next === undefined) return waitForAbort(signal);
    if (next instanceof Error) throw next;
    return next;
  }

  async watch(request: WatchRequest, signal: AbortSignal): Promise<WatchLines> {
    this.log.push(
      `watch rv=${request.resourceVersion}${request.sendInitialEvents ? ' sendInitialEvents' : ''}`,
    );
    const next = this.opens.shift();
    if (next === undefined) return waitForAbort(signal);
    if (next instanceof Error) throw next;
    const opened = new ScriptedWatch(next);
    this.watches.push(opened);
    return opened;
  }
}

async function waitForAbort(signal: AbortSignal): Promise<never> {
  await new Promise<void>((resolve) => {
    signal.addEventListener(
      'abort',
      () => {
        resolve();
      },
      { once: true },
    );
  });
  throw new Error('aborted');
}

/** A backoff of 0 ms that logs each wait, so the log shows where the driver backs off. */
class LoggedBackoff implements Backoff {
  constructor(private readonly log: string[]) {}
  next(): number {
    this.log.push('backoff');
    return 0;
  }
  reset(): void {
    this.log.push('backoff reset');
  }
}

function describeEvent(e: WatcherEvent<V1ConfigMap>): string {
  switch (e.type) {
    case 'Init':
      return 'Init';
    case 'InitApply':
    case 'Apply':
    case 'Delete':
      return `${e.type} ${e.object.metadata?.name ?? '?'}@${e.object.metadata?.resourceVersion ?? '?'}`;
    case 'InitDone':
    case 'Bookmark':
      return `${e.type} @${e.resourceVersion}`;
  }
}

/**
 * Runs a watcher on the script until `until` holds for the log (or the script runs dry and the safety timeout
 * aborts), and returns the log: requests, backoffs and yielded events, in order, plus what went to `onError`.
 */
async function run(
  script: { lists: (ListResponse | Error)[]; watches: (Line[] | Error)[] },
  until: (log: readonly string[]) => boolean,
  tuning: WatcherTuning = {},
) {
  const log: string[] = [];
  const errors: string[] = [];
  const source = new ScriptedSource(log, script.lists, script.watches);
  const watcher = new Watcher<V1ConfigMap>({
    kind: ConfigMap,
    namespace: 'default',
    source,
    backoff: new LoggedBackoff(log),
    ...tuning,
    onError: (e) => errors.push(e.message),
  });
  const stop = new AbortController();
  const safety = setTimeout(() => {
    log.push('(timed out)');
    stop.abort();
  }, 2000);
  const phases = new Set<string>();
  const objects: V1ConfigMap[] = [];
  try {
    for await (const e of watcher.events(stop.signal)) {
      phases.add(watcher.phase);
      if ('object' in e) objects.push(e.object);
      log.push(describeEvent(e));
      if (until(log)) stop.abort();
    }
  } finally {
    clearTimeout(safety);
  }
  return { log, errors, watcher, source, phases, objects };
}

const page = (rv: string, items: unknown[], continueToken?: string): ListResponse => ({
  metadata: { resourceVersion: rv, ...(continueToken ? { continue: continueToken } : {}) },
  items,
});
const has = (line: string) => (log: readonly string[]) => log.includes(line);

describe('Watcher (the driver)', { timeout: 10_000 }, () => {
  it('lists in pages, then watches from the list resourceVersion and yields each change', async () => {
    const { log, objects, phases, watcher } = await run(
      {
        lists: [page('', [cm('a', '5')], 'c1'), page('7', [cm('b', '6')])],
        watches: [
          [
            event('ADDED', cm('c', '8')),
            event('MODIFIED', cm('a', '9')),
            event('BOOKMARK', { metadata: { resourceVersion: '10' } }),
            event('DELETED', cm('b', '11')),
          ],
        ],
      },
      has('Delete b@11'),
      { pageSize: 1 },
    );
    assert.deepEqual(log, [
      'list limit=1',
      'Init',
      'InitApply a@5',
      'list limit=1 continue=c1',
      'InitApply b@6',
      'InitDone @7',
      'watch rv=7',
      'Apply c@8',
      'Apply a@9',
      'Bookmark @10',
      'Delete b@11',
    ]);
    // List items and watch objects come without apiVersion/kind (metadata-only ones with the wrong ones).
    assert.ok(objects.every((o) => o.apiVersion === 'v1' && o.kind === 'ConfigMap'));
    assert.ok(phases.has('Listing') && phases.has('Watching'));
    assert.equal(watcher.phase, 'Stopped');
  });

  it('asks the server to end each watch between minWatchTimeoutSeconds and twice that', async () => {
    const requests: WatchRequest[] = [];
    let rv = 7;
    const source: ListWatchSource = {
      list: () => Promise.resolve(page('7', [])),
      watch: (request) => {
        requests.push(request);
        rv++;
        return Promise.resolve(new ScriptedWatch([event('ADDED', cm('c', String(rv))), end]));
      },
    };
    const stop = new AbortController();
    const watcher = new Watcher<V1ConfigMap>({
      kind: ConfigMap,
      source,
      minWatchTimeoutSeconds: 60,
      backoff: { next: () => 0, reset: () => undefined },
    });
    for await (const e of watcher.events(stop.signal)) {
      assert.equal(e.type === 'Apply' || e.type.startsWith('Init'), true);
      if (requests.length >= 5) stop.abort();
    }
    for (const r of requests)
      assert.ok(r.timeoutSeconds >= 60 && r.timeoutSeconds < 120, String(r.timeoutSeconds));
    assert.deepEqual(
      requests.map((r) => r.resourceVersion),
      ['7', '8', '9', '10', '11'],
      'each watch resumes where the last one ended',
    );
  });

  it('resumes the watch from the last resourceVersion after the backoff when the connection breaks', async () => {
    const { log, errors, source } = await run(
      {
        lists: [page('7', [])],
        watches: [
          [event('ADDED', cm('c', '8')), new Error('socket hang up')],
          [event('ADDED', cm('d', '9'))],
        ],
      },
      has('Apply d@9'),
    );
    assert.deepEqual(log, [
      'list limit=500',
      'Init',
      'InitDone @7',
      'watch rv=7',
      'Apply c@8',
      'backoff',
      'watch rv=8',
      'Apply d@9',
    ]);
    assert.equal(source.watches[0]?.closed, true, 'the broken stream is closed');
    assert.deepEqual(errors, [
      'watch v1 ConfigMap in namespace default: stream broke: socket hang up; retrying after backoff',
    ]);
  });

  it('reopens a watch that went silent past the inactivity timeout, after the backoff', async () => {
    const { log, errors } = await run(
      { lists: [page('7', [])], watches: [[silent], [event('ADDED', cm('d', '9'))]] },
      has('Apply d@9'),
      { inactivityTimeoutMs: 1234 },
    );
    assert.deepEqual(log.slice(3), ['watch rv=7', 'backoff', 'watch rv=7', 'Apply d@9']);
    assert.match(errors[0] ?? '', /no event or bookmark for 1234 ms; reconnecting/);
  });

  it('reconnects after the backoff when a line is not JSON', async () => {
    const { log, errors } = await run(
      { lists: [page('7', [])], watches: [['{"type":"ADDED",'], [event('ADDED', cm('d', '9'))]] },
      has('Apply d@9'),
    );
    assert.deepEqual(log.slice(3), ['watch rv=7', 'backoff', 'watch rv=7', 'Apply d@9']);
    assert.match(errors[0] ?? '', /stream broke/);
  });

  it('retries a failed list and a refused watch after the backoff', async () => {
    const refused = new ApiError('watch v1 ConfigMap: 500 Internal Server Error', 500, 'InternalError');
    const { log, errors } = await run(
      {
        lists: [new Error('ECONNREFUSED'), page('7', [])],
        watches: [refused, [event('ADDED', cm('d', '9'))]],
      },
      has('Apply d@9'),
    );
    assert.deepEqual(log, [
      'list limit=500',
      'backoff',
      'list limit=500',
      'Init',
      'InitDone @7',
      'watch rv=7',
      'backoff',
      'watch rv=7',
      'Apply d@9',
    ]);
    assert.deepEqual(
      errors.map((e) => e.replace(/^.*: /, '')),
      ['ECONNREFUSED; retrying after backoff', '500 Internal Server Error; retrying after backoff'],
    );
  });

  const endOfInitial = (rv: string) =>
    event('BOOKMARK', {
      metadata: { resourceVersion: rv, annotations: { 'k8s.io/initial-events-end': 'true' } },
    });

  it('with streamingList, gets the initial state from one watch: objects until the end bookmark, then changes', async () => {
    const { log, phases, errors } = await run(
      {
        lists: [],
        watches: [
          [
            event('ADDED', cm('a', '5')),
            event('BOOKMARK', { metadata: { resourceVersion: '6' } }),
            event('ADDED', cm('b', '6')),
            endOfInitial('7'),
            event('MODIFIED', cm('a', '8')),
            event('BOOKMARK', { metadata: { resourceVersion: '9' } }),
          ],
        ],
      },
      has('Bookmark @9'),
      { streamingList: true },
    );
    assert.deepEqual(log, [
      'watch rv= sendInitialEvents',
      'Init',
      'InitApply a@5',
      'InitApply b@6',
      'InitDone @7',
      'Apply a@8',
      'Bookmark @9',
    ]);
    assert.deepEqual(errors, []);
    assert.ok(phases.has('Listing') && phases.has('Watching'));
  });

  it('with streamingList, falls back to a paginated LIST for good when the server refuses it (422)', async () => {
    const refused = new ApiError(
      'watch v1 ConfigMap: 422 Unprocessable Entity: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
      422,
      'Invalid',
    );
    const status = {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 7 (12)',
    };
    const { log, errors } = await run(
      {
        lists: [page('7', [cm('a', '5')]), page('20', [])],
        watches: [refused, [event('ERROR', status)], [event('ADDED', cm('d', '21'))]],
      },
      has('Apply d@21'),
      { streamingList: true },
    );
    // No backoff before the fallback; and the relist after the 410 is a LIST again, not another refused watch.
    assert.deepEqual(log, [
      'watch rv= sendInitialEvents',
      'list limit=500',
      'Init',
      'InitApply a@5',
      'InitDone @7',
      'watch rv=7',
      'backoff',
      'list limit=500',
      'Init',
      'InitDone @20',
      'watch rv=20',
      'Apply d@21',
    ]);
    assert.match(errors[0] ?? '', /does not serve streaming lists: listing by pages instead$/);
  });

  it('with streamingList, starts the stream over after the backoff when it breaks before the end bookmark', async () => {
    const { log } = await run(
      {
        lists: [],
        watches: [
          [event('ADDED', cm('a', '5')), new Error('ECONNRESET')],
          [event('ADDED', cm('b', '6')), endOfInitial('7'), event('ADDED', cm('c', '8'))],
        ],
      },
      has('Apply c@8'),
      { streamingList: true },
    );
    assert.deepEqual(log, [
      'watch rv= sendInitialEvents',
      'Init',
      'InitApply a@5',
      'backoff',
      'watch rv= sendInitialEvents',
      'Init',
      'InitApply b@6',
      'InitDone @7',
      'Apply c@8',
    ]);
  });

  it('relists after an in-stream 410 only after the backoff, and the relist replaces the state', async () => {
    const status = {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 7 (12)',
    };
    const { log, errors } = await run(
      {
        lists: [page('7', [cm('a', '5')]), page('20', [cm('b', '15')])],
        watches: [[event('ERROR', status)], [event('ADDED', cm('d', '21'))]],
      },
      has('Apply d@21'),
    );
    // Not at once: after a compaction every informer gets its 410 together, and the jittered backoff spreads
    // their relists (client-go relists through its backoff manager too).
    assert.deepEqual(log, [
      'list limit=500',
      'Init',
      'InitApply a@5',
      'InitDone @7',
      'watch rv=7',
      'backoff',
      'list limit=500',
      'Init',
      'InitApply b@15',
      'InitDone @20',
      'watch rv=20',
      'Apply d@21',
    ]);
    assert.match(errors[0] ?? '', /410 Gone: too old resource version/);
  });

  it('relists after the backoff when the watch is refused with 410 Gone', async () => {
    const refused = new ApiError('watch v1 ConfigMap: 410 Gone: too old resource version', 410, 'Expired');
    const { log } = await run(
      { lists: [page('7', []), page('20', [])], watches: [refused, [event('ADDED', cm('d', '21'))]] },
      has('Apply d@21'),
    );
    assert.deepEqual(log.slice(3), [
      'watch rv=7',
      'backoff',
      'list limit=500',
      'Init',
      'InitDone @20',
      'watch rv=20',
      'Apply d@21',
    ]);
  });

  it('backs off before reopening a watch the server closed at once with no event (a very short watch)', async () => {
    const { log, errors } = await run(
      { lists: [page('7', [])], watches: [[end], [end], [event('ADDED', cm('d', '9'))]] },
      has('Apply d@9'),
    );
    // Reopening at once would be a hot loop of WATCH requests against a proxy or server that keeps closing them.
    assert.deepEqual(log.slice(3), [
      'watch rv=7',
      'backoff',
      'watch rv=7',
      'backoff',
      'watch rv=7',
      'Apply d@9',
    ]);
    assert.match(errors[0] ?? '', /very short watch/);
  });

  it('reopens at once a watch that ended after delivering events', async () => {
    const { log, errors } = await run(
      {
        lists: [page('7', [])],
        watches: [[event('ADDED', cm('c', '8')), end], [event('ADDED', cm('d', '9'))]],
      },
      has('Apply d@9'),
    );
    assert.deepEqual(log.slice(3), ['watch rv=7', 'Apply c@8', 'watch rv=8', 'Apply d@9']);
    assert.deepEqual(errors, []);
  });

  it("lists everything in one response when a continue token expired, as client-go's pager", async () => {
    const expired = new ApiError(
      'list v1 ConfigMap in namespace default: 410 Gone: The provided continue parameter is too old',
      410,
      'Expired',
    );
    const { log, errors } = await run(
      {
        lists: [page('', [cm('a', '5')], 'c1'), expired, page('9', [cm('a', '5'), cm('b', '8')])],
        watches: [[event('ADDED', cm('d', '10'))]],
      },
      has('Apply d@10'),
      { pageSize: 1 },
    );
    assert.deepEqual(log, [
      'list limit=1',
      'Init',
      'InitApply a@5',
      'list limit=1 continue=c1',
      'list limit=none',
      'Init',
      'InitApply a@5',
      'InitApply b@8',
      'InitDone @9',
      'watch rv=9',
      'Apply d@10',
    ]);
    assert.match(
      errors[0] ?? '',
      /continue parameter is too old; listing everything in one response instead$/,
    );
  });

  it('skips and reports an event of an unknown type, and keeps watching', async () => {
    const { log, errors } = await run(
      {
        lists: [page('7', [])],
        watches: [[event('RESTARTED', cm('x', '8')), event('ADDED', cm('d', '9'))]],
      },
      has('Apply d@9'),
    );
    assert.deepEqual(log.slice(3), ['watch rv=7', 'Apply d@9']);
    assert.deepEqual(errors, [
      'watch v1 ConfigMap in namespace default: skipped a watch event of unknown type "RESTARTED"',
    ]);
  });

  it('skips and reports watch events and listed items that are not objects with a name', async () => {
    const { log, errors } = await run(
      {
        lists: [page('7', [cm('a', '5'), { metadata: { resourceVersion: '6' } }, 'junk'])],
        watches: [
          [
            event('ADDED', { metadata: { namespace: 'default', resourceVersion: '8' } }),
            event('MODIFIED', null),
            JSON.stringify({ type: 'DELETED' }),
            '42',
            event('ADDED', cm('d', '9')),
          ],
        ],
      },
      has('Apply d@9'),
    );
    // Nothing without a name can be stored or looked up; the rest of the list and of the watch goes on.
    assert.deepEqual(log, [
      'list limit=500',
      'Init',
      'InitApply a@5',
      'InitDone @7',
      'watch rv=7',
      'Apply d@9',
    ]);
    assert.deepEqual(errors, [
      'watch v1 ConfigMap in namespace default: skipped 2 listed items that are not objects with a metadata.name',
      'watch v1 ConfigMap in namespace default: skipped an ADDED event whose object has no metadata.name',
      'watch v1 ConfigMap in namespace default: skipped a MODIFIED event whose object has no metadata.name',
      'watch v1 ConfigMap in namespace default: skipped a DELETED event whose object has no metadata.name',
      'watch v1 ConfigMap in namespace default: skipped a watch event that is not an object',
    ]);
  });

  it('stops when its signal aborts: the open stream is closed and the phase is Stopped', async () => {
    const { watcher, source, log } = await run({ lists: [page('7', [])], watches: [[]] }, has('InitDone @7'));
    assert.deepEqual(log, ['list limit=500', 'Init', 'InitDone @7']);
    assert.equal(watcher.phase, 'Stopped');
    // The abort came before the watch was opened: nothing may be left open either way.
    assert.ok(source.watches.every((w) => w.closed));
  });
});
