import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The compiled manager binary, run as a user runs it. */
const managerMain = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const emptyHome = mkdtempSync(join(tmpdir(), 'memcached-manager-home-'));
after(() => {
  rmSync(emptyHome, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the manager with `args` and no cluster anywhere ($KUBECONFIG unset, an empty home, not in a pod), so that a
 * command line that parses ends at the kubeconfig, never at an API server.
 */
function run(args: readonly string[]): Promise<Run> {
  const unset = ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT'];
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !unset.includes(k))),
    HOME: emptyHome,
  };
  const child = spawn(process.execPath, [managerMain, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Asserts Go's `flag.ExitOnError` behaviour for a bad command line: exit 2, `line`, then the usage. */
function assertUsageError(result: Run, line: string): void {
  assert.equal(result.code, 2, result.stderr);
  const [first, second] = result.stderr.split('\n');
  assert.equal(first, line);
  assert.equal(second, 'Usage of memcached-manager:');
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(result.stdout, '');
}

describe('the memcached manager binary’s command line', () => {
  // All at once: each is a node start, and they are independent.
  const runs = {
    help: run(['--help']),
    bogus: run(['--bogus']),
    zapLevel: run(['--zap-log-level=foo']),
    logLevel: run(['--log-level=foo']),
    boolean: run(['--leader-elect=maybe']),
    duration: run(['--leader-elect-lease-duration=15']),
    kubeconfig: run(['--kubeconfig=/nonexistent']),
    noCluster: run([]),
    kubebuilderSpellings: run([
      '-leader-elect',
      '--metrics-secure=0',
      '--zap-log-level=debug',
      '--zap-devel=false',
      '--metrics-cert-path=/certs',
      '--metrics-cert-name=cert.pem',
      '--metrics-cert-key',
      'key.pem',
      '--enable-http2=F',
      '--kubeconfig=/nonexistent',
    ]),
  };

  it('prints the usage on stderr and exits 0 for --help', async () => {
    for (const result of [await runs.help]) {
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^Usage of memcached-manager:\n/);
      for (const flag of [
        'metrics-bind-address string',
        'health-probe-bind-address string',
        'leader-elect',
        'metrics-secure',
        'metrics-cert-path string',
        'metrics-cert-name string',
        'metrics-cert-key string',
        'kubeconfig string',
        'zap-log-level value',
        'zap-encoder value',
        'log-level value',
        'leader-elect-lease-duration value',
        'leader-elect-renew-deadline value',
        'leader-elect-retry-period value',
      ])
        assert.match(result.stderr, new RegExp(`\\n {2}-${flag}\\n`), flag);
    }
  });

  it('names an unknown flag in one line, prints the usage and exits 2', async () => {
    assertUsageError(await runs.bogus, 'flag provided but not defined: -bogus');
  });

  it('names a bad value in one line, prints the usage and exits 2', async () => {
    assertUsageError(
      await runs.zapLevel,
      'invalid value "foo" for flag -zap-log-level: invalid log level "foo"',
    );
    assertUsageError(
      await runs.logLevel,
      'invalid value "foo" for flag -log-level: must be one of error, warn, info, debug',
    );
    assertUsageError(await runs.boolean, 'invalid boolean value "maybe" for -leader-elect: parse error');
    assertUsageError(
      await runs.duration,
      'invalid value "15" for flag -leader-elect-lease-duration: not a duration such as 15s or 500ms',
    );
  });

  it('logs one line naming a kubeconfig it can’t read and exits 1, as ctrl.GetConfigOrDie', async () => {
    const result = await runs.kubeconfig;
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(entry['level'], 'error');
    assert.equal(entry['message'], 'unable to get kubeconfig');
    assert.match(
      String(entry['error']),
      /^cannot read the kubeconfig given by --kubeconfig \/nonexistent: no such file/,
    );
    assert.equal(entry['stack'], undefined);
  });

  it('says what it tried when no cluster is configured at all, and exits 1', async () => {
    const result = await runs.noCluster;
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(
      entry['error'],
      'no kubeconfig found: --kubeconfig not given; not in a cluster ($KUBERNETES_SERVICE_HOST/PORT unset); ' +
        `$KUBECONFIG unset; ${join(emptyHome, '.kube', 'config')}: no such file`,
    );
  });

  it('accepts the spellings Deployments copied from kubebuilder projects use', async () => {
    // Past the flags, it stops at the kubeconfig: exit 1 with the kubeconfig's line, not 2 with a flag's.
    const result = await runs.kubebuilderSpellings;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /"message":"unable to get kubeconfig"/);
  });
});
