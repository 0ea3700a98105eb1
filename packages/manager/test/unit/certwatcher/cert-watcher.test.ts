import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import winston from 'winston';
import { CertWatcher, type CertificatePair } from '../../../src/certwatcher/index.js';
import { generateSelfSignedCertificate } from '../../../src/metrics/server/self-signed-certificate.js';
import { waitFor } from '../../support/wait-for.js';

interface Line {
  level: string;
  message: string;
  error?: string;
}

/** A logger keeping its lines, to check what was reported. */
function recordingLogger(): { logger: winston.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      done();
    },
  });
  const logger = winston.createLogger({
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

describe('CertWatcher', () => {
  let dir: string;
  let first: CertificatePair;
  let second: CertificatePair;
  const certPath = () => join(dir, 'tls.crt');
  const keyPath = () => join(dir, 'tls.key');
  const write = (pair: CertificatePair) => {
    writeFileSync(keyPath(), pair.key);
    writeFileSync(certPath(), pair.cert);
  };

  before(async () => {
    [first, second] = await Promise.all([generateSelfSignedCertificate(), generateSelfSignedCertificate()]);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to load a missing or mismatched pair', () => {
    dir = mkdtempSync(join(tmpdir(), 'certwatcher-'));
    const { logger } = recordingLogger();
    assert.throws(() => CertWatcher.load({ certPath: certPath(), keyPath: keyPath(), logger }), /ENOENT/);
    writeFileSync(certPath(), first.cert);
    writeFileSync(keyPath(), second.key);
    assert.throws(
      () => CertWatcher.load({ certPath: certPath(), keyPath: keyPath(), logger }),
      /the key does not match the certificate/,
    );
  });

  it('takes a new valid pair by polling and by watching, and keeps the old one over a bad one', async () => {
    write(first);
    const { logger, lines } = recordingLogger();
    const changes: CertificatePair[] = [];
    const watcher = CertWatcher.load({
      certPath: certPath(),
      keyPath: keyPath(),
      logger,
      pollIntervalMs: 50,
      onChange: (pair) => changes.push(pair),
    });
    watcher.start();
    try {
      assert.equal(watcher.current.cert, first.cert);
      // Half written: the new certificate with the old key.
      writeFileSync(certPath(), second.cert);
      await waitFor('the mismatch to be logged', () =>
        lines.some((l) => l.level === 'error' && /does not match/.test(l.error ?? '')),
      );
      assert.equal(watcher.current.cert, first.cert);
      writeFileSync(keyPath(), second.key);
      await waitFor('the second pair to be taken', () => watcher.current.cert === second.cert);
      assert.deepEqual(changes, [second]);
      // Garbage: kept, logged once however many polls see it.
      writeFileSync(certPath(), 'not a certificate');
      await waitFor('the garbage to be logged', () =>
        lines.some((l) => /does not parse/.test(l.error ?? '')),
      );
      // Read again and again (as the poll does): still refused, not logged again.
      for (let i = 0; i < 5; i++) assert.equal(watcher.reload(), false);
      assert.equal(lines.filter((l) => /does not parse/.test(l.error ?? '')).length, 1);
      assert.equal(watcher.current.cert, second.cert);
      write(first);
      await waitFor('the first pair to be taken again', () => watcher.current.cert === first.cert);
      assert.equal(changes.length, 2);
    } finally {
      watcher.stop();
    }
  });
});
