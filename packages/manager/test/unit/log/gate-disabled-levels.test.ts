import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import winston from 'winston';
import { gateDisabledLevels } from '../../../src/log/gate-disabled-levels.js';
import { newLogger } from '../../../src/log/new-logger.js';

/** A transport that keeps the JSON lines it is given. */
function capture(level?: string): { transport: winston.transport; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const transport = new winston.transports.Stream({ stream, ...(level ? { level } : {}) });
  return {
    transport,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A logger whose format counts its runs: the witness of formatting work done. */
function countingLogger(
  level: string,
  transport: winston.transport,
): { logger: winston.Logger; runs: () => number } {
  let runs = 0;
  const count = winston.format((info) => {
    runs++;
    return info;
  });
  const logger = gateDisabledLevels(
    winston.createLogger({
      level,
      format: winston.format.combine(count(), winston.format.json()),
      transports: [transport],
    }),
  );
  return { logger, runs: () => runs };
}

describe('gateDisabledLevels', () => {
  it('skips formatting for a disabled level, on the logger and its children, by method and by log()', async () => {
    const sink = capture();
    const { logger, runs } = countingLogger('info', sink.transport);
    const child = logger.child({ controller: 'c' }).child({ namespace: 'ns', name: 'n', reconcileID: 'r' });
    child.debug('Reconciling');
    child.debug('Reconcile successful', { requeueAfterMs: 5 });
    child.log('debug', 'by log()');
    child.log({ level: 'debug', message: 'by info object' });
    logger.verbose('verbose too');
    assert.equal(runs(), 0);
    child.info('Reconciled', { changed: true });
    child.log('warn', 'by log()');
    assert.equal(runs(), 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      sink.lines().map(({ level, message, controller, namespace, name, reconcileID, changed }) => ({
        level,
        message,
        controller,
        namespace,
        name,
        reconcileID,
        changed,
      })),
      [
        {
          level: 'info',
          message: 'Reconciled',
          controller: 'c',
          namespace: 'ns',
          name: 'n',
          reconcileID: 'r',
          changed: true,
        },
        {
          level: 'warn',
          message: 'by log()',
          controller: 'c',
          namespace: 'ns',
          name: 'n',
          reconcileID: 'r',
          changed: undefined,
        },
      ],
    );
  });

  it('follows a level changed later, and a transport that asks for more than the logger', async () => {
    const sink = capture();
    const { logger, runs } = countingLogger('info', sink.transport);
    logger.level = 'debug';
    logger.child({ controller: 'c' }).debug('now enabled');
    assert.equal(runs(), 1);

    const verbose = capture('debug');
    const second = countingLogger('info', verbose.transport);
    second.logger.debug('the transport wants debug');
    assert.equal(second.runs(), 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      sink.lines().map((l) => l['message']),
      ['now enabled'],
    );
    assert.deepEqual(
      verbose.lines().map((l) => l['message']),
      ['the transport wants debug'],
    );
  });

  it('is applied by newLogger', () => {
    const sink = capture();
    const logger = newLogger({ level: 'info', transports: [sink.transport] });
    assert.equal(logger.debug('x'), logger);
    assert.equal(logger.isDebugEnabled(), false);
    assert.notEqual(
      Object.getOwnPropertyDescriptor(logger, 'debug'),
      undefined,
      'debug is the gate, an own property of the logger',
    );
  });
});
