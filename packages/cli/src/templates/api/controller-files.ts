import type { ApiNames } from '../../scaffold/scaffold-context.js';
import type { NewFile } from '../../scaffold/scaffold-step.js';
import { tsFile } from '../project/source-files.js';

/** Where the controller and its test import the types from. */
function typesModule(names: ApiNames, from: 'src/controller' | 'test/controller'): string {
  const up = from === 'src/controller' ? '..' : '../../src';
  return `${up}/api/${names.resource.group}/${names.resource.version}/${names.file}-types.js`;
}

/** src/controller/<kind>-controller.ts: reconciles the kind and reports it Available for its generation. */
export function controllerTs(names: ApiNames, header: string): NewFile {
  const { kind, variable } = names;
  const key = names.namespaced ? '`${req.namespace}/${req.name}`' : 'req.name';
  return tsFile(
    `src/controller/${names.file}-controller.ts`,
    header,
    `import {
  Client,
  Controller,
  setStatusCondition,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from '@spoke/manager';
import { ${kind}Kind } from '${typesModule(names, 'src/controller')}';

/**
 * Reconciles ${kind}s. TODO(user): say what a ${kind} converges to.
 *
 * Declared once here, the same declaration drives the watches, the client's write guard and the ClusterRole that
 * \`make manifests\` writes: \`for\` is reconciled, \`owns\` are the kinds it creates (a change to one reconciles its
 * owner), \`watches\` maps other kinds to requests, \`writes\` is the one thing its client may write.
 */
@Controller({
  name: '${names.singular}',
  for: ${kind}Kind,
  // The one thing it writes: its own object's status. No other controller may write it (register() refuses).
  writes: { kind: ${kind}Kind, subresource: 'status' },
  // TODO(user): to create objects for a ${kind} (say a Deployment), add a controller that \`owns: [Deployment]\`
  // and \`writes: Deployment\`; this one then \`watches\` them and reports on them. One writer per thing written.
})
export class ${kind}Controller implements Reconciler {
  // Injected: a client that reads from the shared cache and may write only what the declaration allows.
  constructor(private readonly client: Client) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void> {
    const ${variable} = await this.client.get(${kind}Kind, req);
    // Gone, or going: what it owned is garbage-collected with it.
    if (!${variable} || ${variable}.metadata?.deletionTimestamp) return;

    // TODO(user): observe what this ${kind} needs (reads come from the cache), compare it with the spec, and act.
    // A reconcile is level-based and idempotent: it may run any number of times for the same object.

    // Report the result on the object itself: Available, for the generation of the spec that was reconciled.
    const generation = ${variable}.metadata?.generation;
    const conditions = structuredClone(${variable}.status?.conditions ?? []);
    const changed = setStatusCondition(
      conditions,
      { type: 'Available', status: 'True', reason: 'Reconciled', message: 'The spec is reconciled' },
      generation,
    );
    // No write when nothing changed: a write is an event, and an event is another reconcile.
    if (!changed && ${variable}.status?.observedGeneration === generation) return;
    await this.client.status.patch(${kind}Kind, req, {
      type: 'merge',
      body: { status: { observedGeneration: generation, conditions } },
    });
    ctx.log.info('${kind} is available', { ${variable}: ${key}, generation });
  }
}
`,
  );
}

/** test/controller/<kind>-controller.test.ts: the controller on a real API server, checked from outside it. */
export function controllerTestTs(names: ApiNames, header: string): NewFile {
  const { kind } = names;
  const namespace = names.namespaced ? ", namespace: 'default'" : '';
  return tsFile(
    `test/controller/${names.file}-controller.test.ts`,
    header,
    `import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { eventually } from '@spoke/envtest';
import { findStatusCondition } from '@spoke/manager';
import { ${kind}Kind, type ${kind} } from '${typesModule(names, 'test/controller')}';
import { ${kind}Controller } from '../../src/controller/${names.file}-controller.js';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment.js';

describe('${kind}Controller', () => {
  let environment: TestEnvironment;
  // The test reads and writes with client-node, not with the manager under test.
  let api: KubernetesObjectApi;
  before(async () => {
    environment = await startTestEnvironment([${kind}Controller]);
    api = KubernetesObjectApi.makeApiClient(environment.controlPlane.kubeConfig);
  });
  after(() => environment.stop());

  const header = {
    apiVersion: ${kind}Kind.apiVersion,
    kind: ${kind}Kind.kind,
    metadata: { name: 'test-${names.file}'${namespace} },
  };

  /** The ${kind} once its status describes its current generation: Available and observedGeneration. */
  async function reconciledGeneration(): Promise<number> {
    return eventually(async () => {
      const ${names.variable} = await api.read<${kind}>(header);
      const generation = ${names.variable}.metadata?.generation;
      const available = findStatusCondition(${names.variable}.status?.conditions, 'Available');
      assert.equal(available?.status, 'True', 'Available');
      assert.equal(available.observedGeneration, generation, "Available's observedGeneration");
      assert.equal(${names.variable}.status?.observedGeneration, generation, 'status.observedGeneration');
      assert.ok(generation !== undefined);
      return generation;
    });
  }

  it('reports a new ${kind} Available for its generation', async () => {
    await api.create<${kind}>({ ...header, spec: { foo: 'bar' } });
    assert.equal(await reconciledGeneration(), 1);
  });

  it('follows a change of the spec to its new generation', async () => {
    await api.patch<${kind}>(
      { ...header, spec: { foo: 'baz' } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    assert.equal(await reconciledGeneration(), 2);
  });
});
`,
  );
}
