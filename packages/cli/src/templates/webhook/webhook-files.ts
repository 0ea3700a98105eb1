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
    ...(kinds.defaulting ? ['type CustomDefaulter'] : []),
    ...(kinds.validation ? ['type CustomValidator', 'type ValidationResult'] : []),
  ];
  const spokeImports = kinds.spokes.map(
    (spoke) =>
      `import { ${conversionVariable(spoke)} } from '../../../api/${spoke.resource.group}/${spoke.resource.version}/${spoke.file}-conversion.js';`,
  );
  const defaulter = `
/**
 * Sets the defaults of a ${kind} that a CRD default cannot express — one computed from the object itself, its
 * namespace or the user — before it is validated and stored (controller-runtime's CustomDefaulter). Change the object
 * in place: the manager answers the API server with the JSON patch of what changed. It runs on every create and
 * update, so it must leave an object that has its defaults as it is.
 */
export class ${kind}CustomDefaulter implements CustomDefaulter<${kind}> {
  default(${variable}: ${kind}): void {
    // TODO(user): the defaults. An example, which test/webhook/${names.file}-webhook.test.ts checks: foo, when
    // unset, is the object's name.
    ${variable}.spec ??= {};
    ${variable}.spec.foo ??= ${variable}.metadata?.name ?? ${variable}.metadata?.generateName;
  }
}
`;
  const validator = `
/**
 * Checks a ${kind} beyond what the CRD's schema and CEL rules can (controller-runtime's CustomValidator): return to
 * allow, with warnings for the client (kubectl prints them); throw an AdmissionDenied to refuse, with a message the
 * client sees. Any other error is a bug: the API server gets a 500 and the request fails.
 */
export class ${kind}CustomValidator implements CustomValidator<${kind}> {
  validateCreate(${variable}: ${kind}): ValidationResult {
    return validate${kind}(${variable});
  }

  validateUpdate(old${kind}: ${kind}, ${variable}: ${kind}): ValidationResult {
    // TODO(user): rules on the change itself, comparing the old object with the new one; a warning for a change
    // that is allowed but risky.
    const warnings = validate${kind}(${variable}) ?? [];
    if (old${kind}.spec?.foo !== undefined && ${variable}.spec?.foo !== old${kind}.spec.foo) {
      return [...warnings, \`spec.foo changed from "\${old${kind}.spec.foo}" to "\${${variable}.spec?.foo ?? ''}"\`];
    }
    return warnings;
  }

  validateDelete(): ValidationResult {
    // TODO(user): called only with \`validateDeletes: true\` in the declaration below.
    return undefined;
  }
}

/** The rules of every ${kind}, new or changed. */
function validate${kind}(${variable}: ${kind}): ValidationResult {
  // TODO(user): your rules. An example, which test/webhook/${names.file}-webhook.test.ts checks.
  if (${variable}.spec?.foo === 'forbidden') {
    throw new AdmissionDenied('spec.foo: Invalid value: "forbidden": an example rule of ${names.file}-webhook.ts');
  }
  return undefined;
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
${kinds.defaulting ? defaulter : ''}${kinds.validation ? validator : ''}
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
  if (kinds.defaulting) {
    tests.push(`
  it('defaults spec.foo to the name on create', async () => {
    const created = await api.create<${kind}>(object('defaulted', {}));
    assert.equal(created.spec?.foo, 'defaulted', 'the answer to the create');
    const stored = await api.read<${kind}>(header('defaulted'));
    assert.equal(stored.spec?.foo, 'defaulted', 'the stored object');
  });

  it('keeps a value the user set', async () => {
    const created = await api.create<${kind}>(object('set', { foo: 'mine' }));
    assert.equal(created.spec?.foo, 'mine');
  });
`);
  }
  if (kinds.validation) {
    tests.push(`
  it("denies a forbidden spec.foo with the validator's message, and stores nothing", async () => {
    await assert.rejects(api.create<${kind}>(object('denied', { foo: 'forbidden' })), (error: unknown) => {
      assert.ok(error instanceof ApiException, String(error));
      assert.equal(error.code, 403);
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      assert.match(body, /denied the request: spec\\.foo: Invalid value: \\\\?"forbidden\\\\?"/);
      return true;
    });
    await assert.rejects(api.read(header('denied')), (error: unknown) => {
      assert.ok(error instanceof ApiException && error.code === 404, String(error));
      return true;
    });
  });

  it('allows a valid ${kind}, and an update to another valid one', async () => {
    await api.create<${kind}>(object('allowed', { foo: 'bar' }));
    const updated = await api.patch<${kind}>(
      { ...header('allowed'), spec: { foo: 'baz' } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    assert.equal(updated.spec?.foo, 'baz');
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
    await api.create({ ...header${v}, spec: { foo: 'converted' } });
    const hub = await api.read<${kind}>(header('from-${v}'));
    assert.equal(hub.apiVersion, ${kind}Kind.apiVersion);
    assert.equal(hub.spec?.foo, 'converted');
    const back = await api.read<${kind}>(header${v});
    assert.equal(back.apiVersion, '${spoke.apiVersion}');
    assert.equal(back.spec?.foo, 'converted');
  });
`);
  }
  const clientImports = [
    ...(kinds.validation ? ['ApiException'] : []),
    ...(kinds.spokes.length > 0 ? ['ApiextensionsV1Api'] : []),
    'KubernetesObjectApi',
    ...(kinds.validation ? ['PatchStrategy'] : []),
  ];
  return tsFile(
    `test/webhook/${names.file}-webhook.test.ts`,
    header,
    `import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ${clientImports.join(', ')} } from '@kubernetes/client-node';
import { ${kind}Kind, type ${kind}, type ${kind}Spec } from '${types}';
import { ${webhookVariable(names)} } from '../../src/webhook/${names.resource.group}/${names.resource.version}/${names.file}-webhook.js';
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

  function object(name: string, spec: ${kind}Spec): ${kind} {
    return { ...header(name), spec };
  }
${tests.join('')}});
`,
  );
}
