import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  normalizeRules,
  rbacFromControllers,
  type ControllerRbacSource,
  type RbacKind,
} from '../../src/index.js';

const kind = (group: string, k: string, plural: string): RbacKind => ({ group, kind: k, plural });
const Widget = kind('example.com', 'Widget', 'widgets');
const Gadget = kind('example.com', 'Gadget', 'gadgets');
const StatefulSet = kind('apps', 'StatefulSet', 'statefulsets');
const Deployment = kind('apps', 'Deployment', 'deployments');
const ConfigMap = kind('', 'ConfigMap', 'configmaps');
const EndpointSlice = kind('discovery.k8s.io', 'EndpointSlice', 'endpointslices');

const controllers: ControllerRbacSource[] = [
  { name: 'widget', for: Widget, owns: [StatefulSet], writes: StatefulSet },
  {
    name: 'widget-config',
    for: Widget,
    owns: [ConfigMap],
    watches: [{ kind: EndpointSlice }],
    writes: ConfigMap,
  },
  { name: 'widget-rollout', for: Widget, owns: [Deployment, ConfigMap], writes: Deployment },
  { name: 'widget-status', for: Widget, writes: { kind: Widget, subresource: 'status' } },
];

describe('rbacFromControllers', () => {
  it('grants reads for every watched kind, writes only for written targets, finalizers and events', () => {
    const role = rbacFromControllers(controllers);
    assert.equal(role.kind, 'ClusterRole');
    assert.equal(role.metadata.name, 'manager-role');
    assert.deepEqual(role.rules, [
      {
        apiGroups: [''],
        resources: ['configmaps'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      },
      { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      {
        apiGroups: ['apps'],
        resources: ['deployments', 'statefulsets'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['example.com'], resources: ['widgets/finalizers'], verbs: ['update'] },
      { apiGroups: ['example.com'], resources: ['widgets/status'], verbs: ['get', 'patch', 'update'] },
    ]);
  });

  it('never grants a write verb on a kind that no controller writes', () => {
    const role = rbacFromControllers(controllers);
    const writable = role.rules
      .filter((rule) => rule.verbs.some((verb) => ['create', 'delete', 'update', 'patch'].includes(verb)))
      .flatMap((rule) => rule.resources ?? []);
    assert.equal(writable.includes('widgets'), false);
    assert.equal(writable.includes('endpointslices'), false);
    assert.equal(writable.includes('secrets'), false);
  });

  it('gives the same role whatever the order of controllers and kinds', () => {
    const [widget, config, rollout, status] = controllers;
    assert.ok(widget && config && rollout && status);
    const shuffled: ControllerRbacSource[] = [
      status,
      { ...rollout, owns: [ConfigMap, Deployment] },
      widget,
      config,
    ];
    assert.deepEqual(rbacFromControllers(shuffled), rbacFromControllers(controllers));
  });

  it('grants a kind’s status only to the controller whose write target it is', () => {
    const role = rbacFromControllers([{ name: 'g', for: Gadget, writes: ConfigMap }]);
    assert.equal(
      role.rules.some((r) => r.resources?.includes('gadgets/status')),
      false,
      'reconciling a kind does not grant writing its status',
    );
  });

  it('accepts a list of written kinds and a custom role name', () => {
    const role = rbacFromControllers([{ name: 'g', for: Gadget, writes: [ConfigMap, Deployment] }], {
      roleName: 'r',
    });
    assert.equal(role.metadata.name, 'r');
    assert.ok(role.rules.some((r) => r.resources?.includes('deployments') && r.verbs.includes('delete')));
  });

  it('is empty without controllers', () => {
    assert.deepEqual(rbacFromControllers([]).rules, []);
  });
});

describe('normalizeRules', () => {
  it('merges verbs, then resources, then groups, and sorts everything', () => {
    assert.deepEqual(
      normalizeRules([
        { apiGroups: ['b'], resources: ['y', 'x'], verbs: ['watch', 'get'] },
        { apiGroups: ['b'], resources: ['x'], verbs: ['get', 'list'] },
        { apiGroups: ['b'], resources: ['y'], verbs: ['list'] },
        { apiGroups: ['a'], resources: ['x', 'y'], verbs: ['list', 'get', 'watch'] },
      ]),
      [{ apiGroups: ['a', 'b'], resources: ['x', 'y'], verbs: ['get', 'list', 'watch'] }],
    );
  });

  it('keeps only * when a rule has it, and keeps non-resource URLs apart', () => {
    assert.deepEqual(
      normalizeRules([
        { apiGroups: ['a'], resources: ['x'], verbs: ['get'] },
        { apiGroups: ['a'], resources: ['x'], verbs: ['*'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ]),
      [
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
        { apiGroups: ['a'], resources: ['x'], verbs: ['*'] },
      ],
    );
  });
});
