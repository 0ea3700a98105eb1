import type { ApiNames } from '../../scaffold/scaffold-context.js';
import type { NewFile } from '../../scaffold/scaffold-step.js';
import { tsFile } from '../project/source-files.js';

/** What one kind's webhook file declares. */
export interface WebhookKinds {
  readonly defaulting: boolean;
  readonly validation: boolean;
  /** The other versions that convert to and from this one, the hub; empty without --conversion. */
  readonly spokes: readonly ApiNames[];
}

/** `src/webhook/<group>/<version>/<kind>-webhook.ts`, from the project root. */
export function webhookPath(names: ApiNames): string {
  return `src/webhook/${names.resource.group}/${names.resource.version}/${names.file}-webhook.ts`;
}

/** The exported declaration: `guestbookWebhook`. */
export function webhookVariable(names: ApiNames): string {
  return `${names.variable}Webhook`;
}

/** `src/api/<group>/<spoke>/<kind>-conversion.ts`, kubebuilder's `api/<spoke>/<kind>_conversion.go`. */
export function conversionPath(spoke: ApiNames): string {
  return `${spoke.apiDir}/${spoke.file}-conversion.ts`;
}

/** The exported conversion of a spoke: `guestbookV2Conversion`. */
export function conversionVariable(spoke: ApiNames): string {
  const version = spoke.resource.version;
  return `${spoke.variable}${version.charAt(0).toUpperCase()}${version.slice(1)}Conversion`;
}

/** src/webhook/<group>/<version>/<kind>-webhook.ts: the defaulter, the validator, and the declaration. */
export function webhookTs(names: ApiNames, kinds: WebhookKinds, header: string): NewFile {
  const { kind, variable } = names;
  const types = `../../../api/${names.resource.group}/${names.resource.version}/${names.file}-types.js`;
  const managerImports = [
    ...(kinds.validation ? ['AdmissionDenied'] : []),
    'webhookFor',
    ...(kinds.defaulting ? ['type AdmissionContext', 'type CustomDefaulter'] : []),
    ...(kinds.validation ? ['type CustomValidator', 'type ValidationResult'] : []),
  ];
  const spokeImports = kinds.spokes.map(
    (spoke) =>
      `import { ${conversionVariable(spoke)} } from '../../../api/${spoke.resource.group}/${spoke.resource.version}/${spoke.file}-conversion.js';`,
  );
  const annotation = `
/**
 * The annotation of the example rules below: who created the ${kind}. A default no CRD can express (it comes from
 * the request, not the object), and a rule CEL cannot check (it compares the old object's metadata with the new).
 */
export const ${variable}CreatedByAnnotation = '${names.group}/created-by';
`;
  const defaulter = `
/**
 * Sets the defaults of a ${kind} that a CRD default cannot express — one computed from the request, the namespace or
 * other objects — before it is validated and stored (controller-runtime's CustomDefaulter). Change the object in
 * place: the manager answers the API server with the JSON patch of what changed. It runs on every create and update,
 * so it must leave an object that has its defaults as it is.
 */
export class ${kind}CustomDefaulter implements CustomDefaulter<${kind}> {
  default(${variable}: ${kind}, ctx: AdmissionContext): void {
    // TODO(user): your defaults. An example, which test/webhook/${names.file}-webhook.test.ts checks: the user who
    // created the ${kind}, recorded in an annotation (whatever the client put there).
    const user = ctx.request.userInfo.username;
    if (ctx.request.operation !== 'CREATE' || user === undefined) return;
    ${variable}.metadata ??= {};
    ${variable}.metadata.annotations = { ...${variable}.metadata.annotations, [${variable}CreatedByAnnotation]: user };
  }
}
`;
  const validator = `
/**
 * Checks a ${kind} beyond what the CRD's schema and CEL rules can (controller-runtime's CustomValidator): return to
 * allow, with warnings for the client (kubectl prints them: \`return ['spec.x is deprecated']\`); throw an
 * AdmissionDenied to refuse, with a message the client sees. Any other error is a bug: the API server gets a 500 and
 * the request fails.
 */
export class ${kind}CustomValidator implements CustomValidator<${kind}> {
  validateCreate(): ValidationResult {
    // TODO(user): the rules of a new ${kind}.
    return undefined;
  }

  validateUpdate(old${kind}: ${kind}, ${variable}: ${kind}): ValidationResult {
    // TODO(user): the rules of a change. An example, which test/webhook/${names.file}-webhook.test.ts checks: who
    // created the ${kind} cannot change.
    const before = old${kind}.metadata?.annotations?.[${variable}CreatedByAnnotation];
    const after = ${variable}.metadata?.annotations?.[${variable}CreatedByAnnotation];
    if (before !== undefined && after !== before) {
      throw new AdmissionDenied(
        \`metadata.annotations[\${${variable}CreatedByAnnotation}]: Forbidden: it records who created the ${kind}, and cannot change\`,
      );
    }
    return undefined;
  }

  validateDelete(): ValidationResult {
    // TODO(user): called only with \`validateDeletes: true\` in the declaration below.
    return undefined;
  }
}
`;
  const options = [
    ...(kinds.defaulting ? [`defaulter: new ${kind}CustomDefaulter(),`] : []),
    ...(kinds.validation ? [`validator: new ${kind}CustomValidator(),`] : []),
    ...(kinds.spokes.length > 0
      ? [
          `// This version is the hub: every other version converts to and from it.`,
          `spokes: [${kinds.spokes.map(conversionVariable).join(', ')}],`,
        ]
      : []),
  ];
  const typeImport = kinds.defaulting || kinds.validation ? `${kind}Kind, type ${kind}` : `${kind}Kind`;
  return tsFile(
    webhookPath(names),
    header,
    `import { ${managerImports.join(', ')} } from '@spoke/manager';
import { ${typeImport} } from '${types}';
${spokeImports.join('\n')}

// EDIT THIS FILE!  THIS IS SCAFFOLDING FOR YOU TO OWN!
${kinds.defaulting || kinds.validation ? annotation : ''}${kinds.defaulting ? defaulter : ''}${kinds.validation ? validator : ''}
/**
 * The webhooks of ${kind} ${names.resource.version}: main.ts serves them (src/webhook/index.ts lists them) and
 * \`make manifests\` writes their configuration to config/webhook/manifests.yaml${kinds.spokes.length > 0 ? ' and the conversion to the CRD' : ''}.
 * \`failurePolicy: 'Fail'\` (the default): a write is refused when the webhook cannot be called.
 */
export const ${webhookVariable(names)} = webhookFor(${kind}Kind, {
  ${options.join('\n  ')}
});
`,
  );
}

/** src/api/<group>/<spoke>/<kind>-conversion.ts: a spoke version to and from the hub. */
export function conversionTs(hub: ApiNames, spoke: ApiNames, header: string): NewFile {
  const { kind } = spoke;
  const hubVersion = hub.resource.version;
  const spokeVersion = spoke.resource.version;
  return tsFile(
    conversionPath(spoke),
    header,
    `import type { SpokeConversion } from '@spoke/manager';
import { ${kind}Kind as Hub${kind}Kind, type ${kind} as Hub${kind} } from '../${hubVersion}/${spoke.file}-types.js';
import { ${kind}Kind, type ${kind} } from './${spoke.file}-types.js';

// EDIT THIS FILE!  THIS IS SCAFFOLDING FOR YOU TO OWN!

/**
 * Converts ${kind}s of ${spokeVersion} to and from ${hubVersion}, the hub (kubebuilder's hub and spoke: every version converts
 * through the hub). The API server calls it whenever a client asks for another version than the one stored, so both
 * directions must be lossless: what one version cannot hold is kept in an annotation, and restored from it.
 *
 * TODO(user): the two versions have the same fields as scaffolded, so this copies them; map the fields that differ.
 */
export const ${conversionVariable(spoke)}: SpokeConversion<Hub${kind}, ${kind}> = {
  kind: ${kind}Kind,
  convertTo(${spoke.variable}: ${kind}): Hub${kind} {
    const { apiVersion: _, ...rest } = structuredClone(${spoke.variable});
    return { ...rest, apiVersion: Hub${kind}Kind.apiVersion };
  },
  convertFrom(hub: Hub${kind}): ${kind} {
    const { apiVersion: _, ...rest } = structuredClone(hub);
    return { ...rest, apiVersion: ${kind}Kind.apiVersion };
  },
};
`,
  );
}

/** test/webhook/<kind>-webhook.test.ts: the webhooks called by a real API server, checked from its answers. */
export function webhookTestTs(names: ApiNames, kinds: WebhookKinds, header: string): NewFile {
  const { kind } = names;
  const namespace = names.namespaced ? ", namespace: 'default'" : '';
  const types = `../../src/api/${names.resource.group}/${names.resource.version}/${names.file}-types.js`;
  const tests: string[] = [];
  const key = `${names.variable}CreatedByAnnotation`;
  if (kinds.defaulting) {
    tests.push(`
  it('records who created a ${kind} in an annotation, whatever the client sent', async () => {
    // The API server says who the test's client is.
    const review = await environment.controlPlane.kubeConfig
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    const user = review.status?.userInfo?.username;
    assert.ok(user !== undefined && user !== '');
    const created = await api.create<${kind}>(object('defaulted', { [${key}]: 'someone-else' }));
    assert.equal(created.metadata?.annotations?.[${key}], user, 'the answer to the create');
    const stored = await api.read<${kind}>(header('defaulted'));
    assert.equal(stored.metadata?.annotations?.[${key}], user, 'the stored object');
  });
`);
  }
  if (kinds.validation) {
    tests.push(`
  it("denies a change of who created a ${kind} with the validator's message, and keeps it", async () => {
    await api.create<${kind}>(object('immutable', { [${key}]: 'alice' }));
    const createdBy = (await api.read<${kind}>(header('immutable'))).metadata?.annotations?.[${key}];
    assert.ok(createdBy !== undefined);
    await assert.rejects(patch('immutable', { annotations: { [${key}]: 'mallory' } }), (error: unknown) => {
      assert.ok(error instanceof ApiException, String(error));
      assert.equal(error.code, 403);
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      assert.match(body, /denied the request: metadata\\.annotations\\[.*\\/created-by\\]: Forbidden: it records who created/);
      return true;
    });
    const stored = await api.read<${kind}>(header('immutable'));
    assert.equal(stored.metadata?.annotations?.[${key}], createdBy);
  });

  it('allows any other change', async () => {
    await api.create<${kind}>(object('changed', { [${key}]: 'alice' }));
    const updated = await patch('changed', { labels: { tier: 'gold' } });
    assert.equal(updated.metadata?.labels?.['tier'], 'gold');
  });
`);
  }
  for (const spoke of kinds.spokes) {
    const v = spoke.resource.version;
    tests.push(`
  it('serves a ${kind} created as ${v} in ${names.resource.version} too, and back unchanged', async () => {
    const header${v} = { apiVersion: '${spoke.apiVersion}', kind: '${kind}', metadata: { name: 'from-${v}'${namespace} } };
    // Stored as the storage version: the API server had to convert, and its CRD converts through the webhook.
    const crd = await environment.controlPlane.kubeConfig
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: '${names.plural}.${names.group}' });
    assert.equal(crd.spec.conversion?.strategy, 'Webhook');
    const created = await api.create<${kind}>({ ...header${v}, metadata: { ...header${v}.metadata, labels: { tier: 'gold' } } });
    const hub = await api.read<${kind}>(header('from-${v}'));
    assert.equal(hub.apiVersion, ${kind}Kind.apiVersion);
    assert.deepEqual(hub.metadata?.labels, { tier: 'gold' });
    assert.deepEqual(hub.spec, created.spec);
    const back = await api.read<${kind}>(header${v});
    assert.equal(back.apiVersion, '${spoke.apiVersion}');
    assert.deepEqual(back.spec, created.spec);
    assert.deepEqual(back.metadata?.annotations, created.metadata?.annotations);
  });
`);
  }
  const clientImports = [
    ...(kinds.validation ? ['ApiException'] : []),
    ...(kinds.spokes.length > 0 ? ['ApiextensionsV1Api'] : []),
    ...(kinds.defaulting ? ['AuthenticationV1Api'] : []),
    'KubernetesObjectApi',
    ...(kinds.validation ? ['PatchStrategy'] : []),
  ];
  const admission = kinds.defaulting || kinds.validation;
  const webhookImport = admission ? `${key}, ${webhookVariable(names)}` : webhookVariable(names);
  return tsFile(
    `test/webhook/${names.file}-webhook.test.ts`,
    header,
    `import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ${clientImports.join(', ')} } from '@kubernetes/client-node';
import { ${kind}Kind, type ${kind} } from '${types}';
import { ${webhookImport} } from '../../src/webhook/${names.resource.group}/${names.resource.version}/${names.file}-webhook.js';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment.js';

// The API server calls the webhooks over TLS, as a cluster's would: envtest installs config/webhook/manifests.yaml
// (\`make manifests\` writes it) pointing at this process's webhook server, with the control plane's test CA.
describe('the ${kind} webhooks', () => {
  let environment: TestEnvironment;
  // The test writes with client-node, as a user would, not through the manager under test.
  let api: KubernetesObjectApi;
  before(async () => {
    environment = await startTestEnvironment([], { webhooks: [${webhookVariable(names)}] });
    api = KubernetesObjectApi.makeApiClient(environment.controlPlane.kubeConfig);
  });
  after(() => environment.stop());

  function header(name: string): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
    return { apiVersion: ${kind}Kind.apiVersion, kind: ${kind}Kind.kind, metadata: { name${namespace} } };
  }

${
  admission
    ? `
  function object(name: string, annotations: Record<string, string>): ${kind} {
    const { metadata, ...rest } = header(name);
    return { ...rest, metadata: { ...metadata, annotations } };
  }
`
    : ''
}${
      kinds.validation
        ? `
  function patch(name: string, metadata: { annotations?: Record<string, string>; labels?: Record<string, string> }): Promise<${kind}> {
    const target = header(name);
    return api.patch<${kind}>(
      { ...target, metadata: { ...target.metadata, ...metadata } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
  }
`
        : ''
    }${tests.join('')}});
`,
  );
}
