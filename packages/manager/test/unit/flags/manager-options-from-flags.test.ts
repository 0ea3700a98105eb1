import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManagerFlags } from '../../../src/flags/manager-flags.js';
import { managerOptionsFromFlags } from '../../../src/flags/manager-options-from-flags.js';

function flagsOf(argv: readonly string[]) {
  const result = parseManagerFlags(argv);
  if (result.kind !== 'flags') throw new Error(JSON.stringify(result));
  return result.flags;
}

describe('managerOptionsFromFlags', () => {
  it('maps the defaults: metrics off but secure when on, probes on :8081, no leader election', () => {
    assert.deepEqual(managerOptionsFromFlags(flagsOf([])), {
      metricsBindAddress: '0',
      secureMetrics: true,
      healthProbeBindAddress: ':8081',
      webhookServer: { port: 9443 },
    });
  });

  it('maps kubebuilder’s Deployment args, with the Lease named by the program', () => {
    const flags = flagsOf([
      '--metrics-bind-address=:8443',
      '--leader-elect',
      '--health-probe-bind-address=:8081',
    ]);
    assert.deepEqual(managerOptionsFromFlags(flags, { leaderElectionId: 'x.example.com' }), {
      metricsBindAddress: ':8443',
      secureMetrics: true,
      healthProbeBindAddress: ':8081',
      webhookServer: { port: 9443 },
      leaderElection: { id: 'x.example.com' },
    });
  });

  it('passes the certificate’s directory and file names only with a directory, as kubebuilder’s main.go', () => {
    assert.deepEqual(
      managerOptionsFromFlags(
        flagsOf(['--metrics-cert-name=c.pem', '--metrics-cert-key=k.pem', '--metrics-secure=0']),
      ),
      {
        metricsBindAddress: '0',
        secureMetrics: false,
        healthProbeBindAddress: ':8081',
        webhookServer: { port: 9443 },
      },
    );
    assert.deepEqual(
      managerOptionsFromFlags(flagsOf(['--metrics-cert-path=/certs', '--metrics-cert-name=c.pem'])),
      {
        metricsBindAddress: '0',
        secureMetrics: true,
        metricsCertDir: '/certs',
        metricsCertName: 'c.pem',
        metricsKeyName: 'tls.key',
        healthProbeBindAddress: ':8081',
        webhookServer: { port: 9443 },
      },
    );
  });

  it('maps the webhook flags, the file names only with a directory', () => {
    assert.deepEqual(
      managerOptionsFromFlags(flagsOf(['--webhook-cert-name=c.pem', '--webhook-port=10250'])).webhookServer,
      { port: 10250 },
    );
    assert.deepEqual(
      managerOptionsFromFlags(flagsOf(['--webhook-cert-path=/certs', '--webhook-cert-key=k.pem']))
        .webhookServer,
      { port: 9443, certDir: '/certs', certName: 'tls.crt', keyName: 'k.pem' },
    );
  });

  it('refuses --leader-elect without a Lease name, saying what to pass', () => {
    assert.throws(() => managerOptionsFromFlags(flagsOf(['--leader-elect'])), /needs a leader election ID/);
  });
});
