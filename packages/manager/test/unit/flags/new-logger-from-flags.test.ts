import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import winston from 'winston';
import {
  formatTimestamp,
  newLoggerFromFlags,
  winstonLevelOfZap,
  zapLoggerSettings,
} from '../../../src/flags/new-logger-from-flags.js';
import { parseManagerFlags } from '../../../src/flags/manager-flags.js';
import type { LoggerOptions } from '../../../src/log/index.js';

/** A logger built from `argv`'s flags, and the lines it has written so far. */
function loggerFor(argv: readonly string[], options: LoggerOptions = {}) {
  const result = parseManagerFlags(argv);
  if (result.kind !== 'flags') throw new Error(JSON.stringify(result));
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const logger = newLoggerFromFlags(result.flags, {
    ...options,
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

/** The levels of the entries a logger from `argv` writes when one of each winston level is logged. */
function levelsLogged(argv: readonly string[], options: LoggerOptions = {}): string[] {
  const { logger, lines } = loggerFor(argv, options);
  for (const level of ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']) logger.log(level, 'x');
  return lines.map((l) => (JSON.parse(l) as { level: string }).level);
}

describe('newLoggerFromFlags', () => {
  it('writes structured JSON at info by default, with the entry’s fields and default meta', () => {
    const { logger, lines } = loggerFor([], { defaultMeta: { logger: 'memcached-operator' } });
    logger.info('reconciled', {
      controller: 'memcached',
      namespace: 'default',
      name: 'web',
      reconcileID: 'r1',
    });
    logger.debug('hidden');
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(entry['level'], 'info');
    assert.equal(entry['message'], 'reconciled');
    assert.equal(entry['logger'], 'memcached-operator');
    assert.deepEqual(
      [entry['controller'], entry['namespace'], entry['name'], entry['reconcileID']],
      ['memcached', 'default', 'web', 'r1'],
    );
    assert.match(String(entry['timestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('maps --zap-log-level onto winston’s levels', () => {
    assert.deepEqual(levelsLogged([]), ['error', 'warn', 'info']);
    assert.deepEqual(levelsLogged(['--zap-log-level=info']), ['error', 'warn', 'info']);
    assert.deepEqual(levelsLogged(['--zap-log-level=error']), ['error']);
    assert.deepEqual(levelsLogged(['--zap-log-level=debug']), [
      'error',
      'warn',
      'info',
      'http',
      'verbose',
      'debug',
    ]);
    assert.deepEqual(levelsLogged(['--zap-log-level=1']), [
      'error',
      'warn',
      'info',
      'http',
      'verbose',
      'debug',
    ]);
    assert.deepEqual(levelsLogged(['--zap-log-level=2']), [
      'error',
      'warn',
      'info',
      'http',
      'verbose',
      'debug',
      'silly',
    ]);
    assert.deepEqual(levelsLogged(['--zap-log-level=panic']), []);
  });

  it('logs at debug with --zap-devel, unless --zap-log-level says otherwise', () => {
    assert.deepEqual(levelsLogged(['--zap-devel', '--zap-encoder=json']).at(-1), 'debug');
    assert.deepEqual(
      levelsLogged(['--zap-devel', '--zap-encoder=json', '--zap-log-level=info']).at(-1),
      'info',
    );
  });

  it('lets the caller’s level override the flags', () => {
    assert.deepEqual(levelsLogged(['--zap-log-level=error'], { level: 'warn' }), ['error', 'warn']);
  });

  it('keeps an error’s stack on lines at or above --zap-stacktrace-level only', () => {
    const stacks = (argv: readonly string[]) => {
      const { logger, lines } = loggerFor(argv);
      logger.error('failed', { stack: 'Error: e\n    at here' });
      logger.warn('warned', { stack: 'Error: w\n    at here' });
      logger.info('noted', { stack: 'Error: i\n    at here' });
      return lines.map((l) => (JSON.parse(l) as { stack?: string }).stack !== undefined);
    };
    assert.deepEqual(stacks([]), [true, false, false]);
    assert.deepEqual(stacks(['--zap-stacktrace-level=info']), [true, true, true]);
    assert.deepEqual(stacks(['--zap-stacktrace-level=panic']), [false, false, false]);
    assert.deepEqual(stacks(['--zap-devel', '--zap-encoder=json']), [true, true, false]);
  });

  it('keeps the stack of an Error logged directly, within the stack trace level', () => {
    const { logger, lines } = loggerFor([]);
    logger.error(new Error('boom'));
    const entry = JSON.parse(lines[0] ?? '') as { message: string; stack: string };
    assert.equal(entry.message, 'boom');
    assert.match(entry.stack, /^Error: boom\n {4}at /);
  });

  it('writes console lines with --zap-devel or --zap-encoder=console: time, LEVEL, logger, message, fields', () => {
    for (const argv of [['--zap-devel'], ['--zap-encoder=console']]) {
      const { logger, lines } = loggerFor(argv, { defaultMeta: { logger: 'memcached-operator' } });
      logger.warn('slow', { controller: 'memcached', ms: 1200 });
      logger.error('failed', { stack: 'Error: e\n    at here' });
      logger.info('plain');
      assert.equal(lines.length, 5, lines.join('\n'));
      const [slow, failed, stack, stackFrame, plain] = lines.map((l) => l.split('\t'));
      assert.match(slow?.[0] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(slow?.slice(1), [
        'WARN',
        'memcached-operator',
        'slow',
        '{"controller":"memcached","ms":1200}',
      ]);
      assert.deepEqual(failed?.slice(1), ['ERROR', 'memcached-operator', 'failed']);
      assert.deepEqual([stack, stackFrame], [['Error: e'], ['    at here']]);
      assert.deepEqual(plain?.slice(1), ['INFO', 'memcached-operator', 'plain']);
    }
  });

  it('writes JSON with --zap-devel --zap-encoder=json', () => {
    const { logger, lines } = loggerFor(['--zap-devel', '--zap-encoder=json']);
    logger.debug('d');
    assert.equal((JSON.parse(lines[0] ?? '') as { level: string }).level, 'debug');
  });

  it('encodes the timestamp as --zap-time-encoding says', () => {
    const timestampOf = (encoding: string): unknown => {
      const { logger, lines } = loggerFor([`--zap-time-encoding=${encoding}`]);
      logger.info('t');
      return (JSON.parse(lines[0] ?? '') as { timestamp: unknown }).timestamp;
    };
    const before = Date.now();
    const epoch = timestampOf('epoch');
    assert.equal(typeof epoch, 'number');
    assert.ok(Math.abs((epoch as number) * 1000 - before) < 60_000, String(epoch));
    assert.equal(typeof timestampOf('millis'), 'number');
    assert.equal(typeof timestampOf('nanos'), 'number');
    assert.match(String(timestampOf('rfc3339')), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(String(timestampOf('iso8601')), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

describe('formatTimestamp', () => {
  const at = new Date('2024-05-06T07:08:09.120Z');
  it('gives seconds, milliseconds or nanoseconds since the epoch as numbers', () => {
    assert.equal(formatTimestamp('epoch', at), 1714979289.12);
    assert.equal(formatTimestamp('millis', at), 1714979289120);
    assert.equal(formatTimestamp('nanos', at), 1714979289120000000);
    assert.equal(JSON.stringify(formatTimestamp('nanos', at)), '1714979289120000000');
  });

  it('gives RFC 3339 in seconds, RFC 3339 with the fraction trimmed, or ISO 8601 with milliseconds, in UTC', () => {
    assert.equal(formatTimestamp('rfc3339', at), '2024-05-06T07:08:09Z');
    assert.equal(formatTimestamp('rfc3339nano', at), '2024-05-06T07:08:09.12Z');
    assert.equal(
      formatTimestamp('rfc3339nano', new Date('2024-05-06T07:08:09.000Z')),
      '2024-05-06T07:08:09Z',
    );
    assert.equal(
      formatTimestamp('rfc3339nano', new Date('2024-05-06T07:08:10.000Z')),
      '2024-05-06T07:08:10Z',
    );
    assert.equal(formatTimestamp('iso8601', at), '2024-05-06T07:08:09.120Z');
    assert.equal(formatTimestamp(undefined, at), '2024-05-06T07:08:09.120Z');
  });
});

describe('winstonLevelOfZap and zapLoggerSettings', () => {
  it('map zap levels onto winston’s, panic and above to silent', () => {
    assert.deepEqual([-5, -2, -1, 0, 1, 2, 3, 4, 5].map(winstonLevelOfZap), [
      'silly',
      'silly',
      'debug',
      'info',
      'warn',
      'error',
      'silent',
      'silent',
      'silent',
    ]);
  });

  it('resolve controller-runtime’s production and development defaults', () => {
    const zap = {
      encoder: undefined,
      logLevel: undefined,
      stacktraceLevel: undefined,
      timeEncoding: undefined,
    };
    assert.deepEqual(zapLoggerSettings({ ...zap, devel: false }), {
      encoder: 'json',
      level: 'info',
      stacktraceLevel: 'error',
      timeEncoding: undefined,
    });
    assert.deepEqual(zapLoggerSettings({ ...zap, devel: true }), {
      encoder: 'console',
      level: 'debug',
      stacktraceLevel: 'warn',
      timeEncoding: undefined,
    });
  });
});
