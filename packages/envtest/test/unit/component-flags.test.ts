import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiServerFlags, type ControlPlaneLayout, toArgs } from '../../src/internal/component-flags.js';

const layout: ControlPlaneLayout = {
  dir: '/tmp/cp',
  etcdPort: 1,
  etcdPeerPort: 2,
  apiServerPort: 3,
  controllerManagerPort: 4,
  schedulerPort: 5,
  kwokPort: 6,
  withNodes: false,
};

describe('component flags', () => {
  it('lets an override replace a default of the same name, once', () => {
    const args = toArgs({ a: '1', b: '2' }, { b: '3', c: '4' });
    assert.deepEqual(args, ['--a=1', '--b=3', '--c=4']);
  });

  it('runs kube-apiserver with Node,RBAC, the test CA and the etcd port', () => {
    const flags = apiServerFlags(layout);
    assert.equal(flags['authorization-mode'], 'Node,RBAC');
    assert.equal(flags['etcd-servers'], 'http://127.0.0.1:1');
    assert.equal(flags['secure-port'], '3');
    assert.equal(flags['client-ca-file'], '/tmp/cp/pki/ca.crt');
  });

  it('admits Pods without a default ServiceAccount only when no controller manager creates one', () => {
    assert.equal(apiServerFlags(layout)['disable-admission-plugins'], 'ServiceAccount');
    assert.equal(apiServerFlags({ ...layout, withNodes: true })['disable-admission-plugins'], undefined);
  });

  it('audits only when asked: a blocking JSON log that is never rotated', () => {
    assert.equal(apiServerFlags(layout)['audit-policy-file'], undefined);
    const flags = apiServerFlags({ ...layout, audit: { policyPath: '/tmp/p.yaml', logPath: '/tmp/a.log' } });
    assert.equal(flags['audit-policy-file'], '/tmp/p.yaml');
    assert.equal(flags['audit-log-path'], '/tmp/a.log');
    assert.equal(flags['audit-log-format'], 'json');
    assert.equal(flags['audit-log-mode'], 'blocking');
    assert.ok(Number(flags['audit-log-maxsize']) >= 1 << 20, 'no rotation in a test run');
  });
});
