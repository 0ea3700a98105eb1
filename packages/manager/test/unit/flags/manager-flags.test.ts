import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringFlag, valueFlag } from '../../../src/flags/flag-definition.js';
import { parseManagerFlags, type ParsedManagerFlags } from '../../../src/flags/manager-flags.js';
import type { FlagDefinitions } from '../../../src/flags/flag-definition.js';

function parsed<E extends FlagDefinitions>(
  argv: readonly string[],
  options?: Parameters<typeof parseManagerFlags<E>>[1],
): ParsedManagerFlags<E> {
  const result = parseManagerFlags<E>(argv, options);
  if (result.kind !== 'flags') assert.fail(`expected flags, got ${JSON.stringify(result)}`);
  return result.flags;
}

/** The one line Go would print for `argv`, or the kind of result when it is not an error. */
function errorMessage(argv: readonly string[]): string {
  const result = parseManagerFlags(argv);
  return result.kind === 'error' ? result.message : result.kind;
}

describe('parseManagerFlags', () => {
  it('has kubebuilder v4’s defaults, and JSON logging at info', () => {
    const flags = parsed([]);
    assert.deepEqual(
      { ...flags, given: [...flags.given] },
      {
        metricsBindAddress: '0',
        healthProbeBindAddress: ':8081',
        leaderElect: false,
        metricsSecure: true,
        enableHttp2: false,
        metricsCertPath: undefined,
        metricsCertName: 'tls.crt',
        metricsCertKey: 'tls.key',
        webhookCertPath: undefined,
        webhookCertName: 'tls.crt',
        webhookCertKey: 'tls.key',
        webhookPort: 9443,
        kubeconfig: undefined,
        zap: {
          devel: false,
          encoder: undefined,
          logLevel: undefined,
          stacktraceLevel: undefined,
          timeEncoding: undefined,
        },
        extra: {},
        given: [],
        args: [],
      },
    );
  });

  it('reads the args of kubebuilder’s config/manager and config/default patches', () => {
    const flags = parsed([
      '--metrics-bind-address=:8443',
      '--leader-elect',
      '--health-probe-bind-address=:8081',
      '--webhook-cert-path=/tmp/k8s-webhook-server/serving-certs',
      '--webhook-port=9443',
      '--metrics-cert-path=/tmp/k8s-metrics-server/metrics-certs',
    ]);
    assert.equal(flags.metricsBindAddress, ':8443');
    assert.equal(flags.leaderElect, true);
    assert.equal(flags.healthProbeBindAddress, ':8081');
    assert.equal(flags.webhookCertPath, '/tmp/k8s-webhook-server/serving-certs');
    assert.equal(flags.metricsCertPath, '/tmp/k8s-metrics-server/metrics-certs');
  });

  it('accepts what Deployments copied from kubebuilder projects say, Go-style', () => {
    const flags = parsed([
      '-leader-elect',
      '--metrics-secure=0',
      '--enable-http2=true',
      '--zap-log-level=debug',
      '--metrics-cert-name=cert.pem',
      '--metrics-cert-key',
      'key.pem',
      '-kubeconfig',
      '/etc/kube/config',
    ]);
    assert.equal(flags.leaderElect, true);
    assert.equal(flags.metricsSecure, false);
    assert.equal(flags.enableHttp2, true);
    assert.equal(flags.zap.logLevel, -1);
    assert.equal(flags.metricsCertName, 'cert.pem');
    assert.equal(flags.metricsCertKey, 'key.pem');
    assert.equal(flags.kubeconfig, '/etc/kube/config');
  });

  it('treats an empty path as none, as Go code tests len(path) > 0', () => {
    const flags = parsed(['--metrics-cert-path=', '--webhook-cert-path=', '--kubeconfig=']);
    assert.equal(flags.metricsCertPath, undefined);
    assert.equal(flags.webhookCertPath, undefined);
    assert.equal(flags.kubeconfig, undefined);
  });

  describe('the zap flags (controller-runtime’s BindFlags)', () => {
    it('read --zap-log-level as zap numbers it, case-insensitively, or a verbosity > 0', () => {
      const level = (text: string) => parsed([`--zap-log-level=${text}`]).zap.logLevel;
      assert.equal(level('debug'), -1);
      assert.equal(level('DEBUG'), -1);
      assert.equal(level('info'), 0);
      assert.equal(level('error'), 2);
      assert.equal(level('Panic'), 4);
      assert.equal(level('1'), -1);
      assert.equal(level('3'), -3);
      assert.equal(level('+3'), -3);
    });

    it('refuse other levels with controller-runtime’s message', () => {
      for (const text of ['foo', 'warn', '0', '-1', '1.5', ''])
        assert.equal(
          errorMessage([`--zap-log-level=${text}`]),
          `invalid value "${text}" for flag -zap-log-level: invalid log level "${text}"`,
          text,
        );
    });

    it('read the encoder, stack trace level and time encoding, case-insensitively', () => {
      const flags = parsed([
        '--zap-devel',
        '--zap-encoder=JSON',
        '--zap-stacktrace-level=Info',
        '--zap-time-encoding=RFC3339Nano',
      ]);
      assert.deepEqual(flags.zap, {
        devel: true,
        encoder: 'json',
        logLevel: undefined,
        stacktraceLevel: 0,
        timeEncoding: 'rfc3339nano',
      });
      for (const [text, level] of [
        ['info', 0],
        ['error', 2],
        ['panic', 4],
      ] as const)
        assert.equal(parsed([`--zap-stacktrace-level=${text}`]).zap.stacktraceLevel, level);
      for (const encoding of ['epoch', 'millis', 'nanos', 'iso8601', 'rfc3339', 'rfc3339nano'])
        assert.equal(parsed([`--zap-time-encoding=${encoding}`]).zap.timeEncoding, encoding);
    });

    it('refuse other values with controller-runtime’s messages', () => {
      assert.equal(
        errorMessage(['--zap-encoder=text']),
        'invalid value "text" for flag -zap-encoder: invalid encoder value "text"',
      );
      assert.equal(
        errorMessage(['--zap-stacktrace-level=warn']),
        'invalid value "warn" for flag -zap-stacktrace-level: invalid stacktrace level "warn"',
      );
      assert.equal(
        errorMessage(['--zap-time-encoding=nano']),
        'invalid value "nano" for flag -zap-time-encoding: invalid time-encoding value "nano"',
      );
    });
  });

  it('returns help and errors with the usage, naming the program', () => {
    const help = parseManagerFlags(['--help'], { program: '/manager' });
    assert.equal(help.kind, 'help');
    assert.match(help.usage, /^Usage of \/manager:\n {2}-enable-http2\n/);
    for (const flag of [
      'metrics-bind-address',
      'zap-log-level',
      'metrics-cert-key',
      'webhook-port',
      'kubeconfig',
    ])
      assert.match(help.usage, new RegExp(`\\n {2}-${flag} `));
    const error = parseManagerFlags(['--bogus']);
    assert.deepEqual(error.kind === 'error' && [error.message, error.usage.split('\n')[0]], [
      'flag provided but not defined: -bogus',
      'Usage of manager:',
    ]);
  });

  it('adds the program’s own flags, typed, parsed by the same rules, listed in the usage', () => {
    const extraFlags = {
      'log-level': valueFlag<'info' | 'debug' | undefined>({
        usage: 'A level.',
        default: undefined,
        parse: (text) => {
          if (text !== 'info' && text !== 'debug') throw new Error('must be info or debug');
          return text;
        },
      }),
      'proxy-image': stringFlag('mcrouter:1', 'The proxy image.'),
    };
    const flags = parsed(['-log-level', 'debug', '--leader-elect'], { extraFlags });
    assert.deepEqual(flags.extra, { 'log-level': 'debug', 'proxy-image': 'mcrouter:1' });
    assert.deepEqual([...flags.given].sort(), ['leader-elect', 'log-level']);
    const bad = parseManagerFlags(['--log-level=foo'], { extraFlags });
    assert.equal(
      bad.kind === 'error' && bad.message,
      'invalid value "foo" for flag -log-level: must be info or debug',
    );
    assert.match(bad.usage, /\n {2}-proxy-image string\n {4}\tThe proxy image\. \(default "mcrouter:1"\)\n/);
  });

  it('refuses a program flag that redefines a manager flag or could never be given, as Go panics', () => {
    assert.throws(
      () => parseManagerFlags([], { extraFlags: { 'leader-elect': stringFlag('', '') } }),
      /flag redefined: leader-elect/,
    );
    for (const name of ['-x', 'a=b', ''])
      assert.throws(
        () => parseManagerFlags([], { extraFlags: { [name]: stringFlag('', '') } }),
        /begins with -/,
      );
  });

  it('takes other defaults, shown in the usage', () => {
    const result = parseManagerFlags([], {
      defaults: {
        metricsBindAddress: ':8080',
        metricsSecure: false,
        leaderElect: true,
        zapDevel: true,
        webhookPort: 0,
      },
    });
    if (result.kind !== 'flags') assert.fail(JSON.stringify(result));
    assert.equal(result.flags.metricsBindAddress, ':8080');
    assert.equal(result.flags.metricsSecure, false);
    assert.equal(result.flags.leaderElect, true);
    assert.equal(result.flags.zap.devel, true);
    assert.equal(result.flags.webhookPort, 0);
    assert.match(result.usage, /Use --metrics-secure=false for plain HTTP\.\n/);
    assert.match(result.usage, /or '0' to turn it off\. \(default ":8080"\)\n/);
    assert.match(result.usage, /stack traces from error\. \(default true\)\n/);
  });
});
