import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../../src/watcher/line-splitter.js';
import { WatchStream } from '../../../src/watcher/watch-stream.js';

/** Feeds `chunks` to a splitter and returns every line, the unterminated last one included. */
function split(chunks: readonly Buffer[]): string[] {
  const splitter = new LineSplitter();
  const lines = chunks.flatMap((chunk) => splitter.push(chunk));
  const rest = splitter.end();
  return rest === undefined ? lines : [...lines, rest];
}

describe('LineSplitter', () => {
  it('splits lines within one chunk, trims them and drops blank ones', () => {
    assert.deepEqual(split([Buffer.from('{"a":1}\n\n  {"b":2}\r\n{"c":3}\n')]), [
      '{"a":1}',
      '{"b":2}',
      '{"c":3}',
    ]);
  });

  it('joins a line across chunks and keeps an unterminated last line for end()', () => {
    assert.deepEqual(split([Buffer.from('{"a":'), Buffer.from('1}\n{"b"'), Buffer.from(':2}')]), [
      '{"a":1}',
      '{"b":2}',
    ]);
  });

  it('keeps a multi-byte UTF-8 character whole when a chunk boundary falls inside it', () => {
    const text = '{"name":"é€😀"}\n';
    const bytes = Buffer.from(text, 'utf8');
    // Every possible split point, including those inside the 2-, 3- and 4-byte sequences.
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(
        split([bytes.subarray(0, cut), bytes.subarray(cut)]),
        ['{"name":"é€😀"}'],
        `cut ${cut}`,
      );
    }
    // And one byte at a time.
    assert.deepEqual(split([...bytes].map((b) => Buffer.from([b]))), ['{"name":"é€😀"}']);
  });

  it('assembles a very long line from many chunks', () => {
    const long = `{"data":"${'x€'.repeat(400_000)}"}`;
    const bytes = Buffer.from(`${long}\n{"next":true}\n`, 'utf8');
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 16_381) chunks.push(bytes.subarray(i, i + 16_381));
    const lines = split(chunks);
    assert.equal(lines.length, 2);
    assert.equal(lines[0], long);
    assert.deepEqual(JSON.parse(lines[1] as string), { next: true });
  });

  it('returns nothing from end() when the stream ended on a newline', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(Buffer.from('a\n')), ['a']);
    assert.equal(splitter.end(), undefined);
  });
});

describe('WatchStream', () => {
  const openOf = (body: PassThrough): { body: PassThrough; close(): void; closed: () => boolean } => {
    let closed = false;
    return {
      body,
      close: () => {
        closed = true;
        body.destroy();
      },
      closed: () => closed,
    };
  };

  it('yields the lines of a Node stream, then end', async () => {
    const body = new PassThrough();
    const stream = new WatchStream(openOf(body));
    body.write('{"type":"ADDED"}\n{"type":');
    body.end('"DELETED"}');
    assert.deepEqual(await stream.next(10_000), { type: 'line', line: '{"type":"ADDED"}' });
    assert.deepEqual(await stream.next(10_000), { type: 'line', line: '{"type":"DELETED"}' });
    assert.deepEqual(await stream.next(10_000), { type: 'end' });
  });

  it('reports silence when nothing arrives within the timeout', async () => {
    const body = new PassThrough();
    const stream = new WatchStream(openOf(body));
    assert.deepEqual(await stream.next(20), { type: 'silent' });
    body.write('{"late":1}\n');
    assert.deepEqual(await stream.next(10_000), { type: 'line', line: '{"late":1}' });
    stream.close();
  });

  it('rejects with the stream error', async () => {
    const body = new PassThrough();
    const stream = new WatchStream(openOf(body));
    const read = stream.next(10_000);
    body.destroy(new Error('connection reset'));
    await assert.rejects(read, /connection reset/);
  });

  it('close() aborts the request and ends the reads', async () => {
    const body = new PassThrough();
    const open = openOf(body);
    const stream = new WatchStream(open);
    const read = stream.next(10_000);
    stream.close();
    assert.deepEqual(await read, { type: 'end' });
    assert.equal(open.closed(), true);
  });

  it('pauses the socket while many lines wait and resumes once they are read', async () => {
    const body = new PassThrough();
    const stream = new WatchStream(openOf(body));
    const count = 5000;
    body.end(Array.from({ length: count }, (_, i) => `{"i":${i}}\n`).join(''));
    const first = await stream.next(10_000);
    assert.deepEqual(first, { type: 'line', line: '{"i":0}' });
    assert.equal(body.isPaused(), true, 'paused while lines wait');
    const seen: number[] = [0];
    for (;;) {
      const read = await stream.next(10_000);
      if (read.type !== 'line') {
        assert.equal(read.type, 'end');
        break;
      }
      seen.push((JSON.parse(read.line) as { i: number }).i);
    }
    assert.deepEqual(
      seen,
      Array.from({ length: count }, (_, i) => i),
    );
  });
});
