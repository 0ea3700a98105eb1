import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomResourceSource } from './crd/custom-resource-source.js';
import type { ManifestSources } from './generate-manifests.js';
import type { ControllerRbacSource } from './rbac/controller-rbac-source.js';
import type { WebhookSource } from './webhook/webhook-source.js';

/** Turns a controller class into its declaration; `@spoke/manager`'s `getControllerMetadata` by default. */
export type ControllerMetadataReader = (
  controller: abstract new (...args: never[]) => unknown,
) => ControllerRbacSource;

/**
 * Imports a compiled module and reads the exports the generator needs:
 * - `customResources`: the custom resource descriptions (plain data, see {@link CustomResourceSource});
 * - `controllers`: the controller classes the manager registers (or their declarations as plain data);
 * - `webhooks` (optional): the webhook declarations the manager registers (`webhookFor(...)` values, read as the
 *   plain data they are, see {@link WebhookSource}); absent means the operator serves no webhooks.
 * Reading what the manager itself registers is what keeps the RBAC exact: a controller cannot run without being
 * in the role.
 *
 * @param modulePath - a file path (relative to the working directory) or a package specifier
 */
export async function loadManifestSources(
  modulePath: string,
  readMetadata?: ControllerMetadataReader,
): Promise<ManifestSources> {
  // A path that exists is a file (`examples/x/dist/src/y.js` needs no `./`); anything else a package specifier.
  const specifier = existsSync(modulePath) ? pathToFileURL(resolve(modulePath)).href : modulePath;
  const loaded: Record<string, unknown> = (await import(specifier)) as Record<string, unknown>;
  const customResources = loaded['customResources'];
  const controllers = loaded['controllers'];
  const where = `module ${modulePath}`;
  if (!Array.isArray(customResources)) throw new Error(`${where} must export an array \`customResources\``);
  if (!Array.isArray(controllers)) throw new Error(`${where} must export an array \`controllers\``);

  customResources.forEach((def: unknown, i) => {
    assertCustomResource(def, `${where}: customResources[${i}]`);
  });
  const reader = readMetadata ?? (await defaultMetadataReader());
  const declarations = controllers.map((entry: unknown, i) => {
    const at = `${where}: controllers[${i}]`;
    const declaration = typeof entry === 'function' ? reader(entry as abstract new () => unknown) : entry;
    assertControllerDeclaration(declaration, at);
    return declaration;
  });
  const webhooks = loaded['webhooks'];
  if (webhooks !== undefined && !Array.isArray(webhooks)) {
    throw new Error(`${where}: \`webhooks\` must be an array of webhook declarations (webhookFor(...))`);
  }
  const webhookSources = (webhooks ?? []).map((entry: unknown, i) => {
    assertWebhookSource(entry, `${where}: webhooks[${i}]`);
    return entry;
  });
  return {
    customResources: customResources as CustomResourceSource[],
    controllers: declarations,
    webhooks: webhookSources,
  };
}

// Imported by name at run time: the operator's own copy of @spoke/manager holds the decorator metadata.
const managerPackage = '@spoke/manager';

async function defaultMetadataReader(): Promise<ControllerMetadataReader> {
  const manager = (await import(managerPackage)) as Record<string, unknown>;
  const exported = manager['getControllerMetadata'];
  if (typeof exported !== 'function') throw new Error('@spoke/manager does not export getControllerMetadata');
  const read = exported as (controller: unknown) => unknown;
  return (controller) => {
    const metadata = read(controller);
    if (metadata === undefined) {
      throw new Error(`class ${controller.name} has no @Controller(...) declaration`);
    }
    return metadata as ControllerRbacSource;
  };
}

function assertCustomResource(def: unknown, at: string): asserts def is CustomResourceSource {
  const record = def as Record<string, unknown> | null;
  for (const field of ['group', 'kind', 'plural', 'scope']) {
    if (typeof record?.[field] !== 'string') throw new Error(`${at} has no string \`${field}\``);
  }
  const versions = record?.['versions'];
  if (versions === undefined) {
    if (typeof record?.['version'] !== 'string') {
      throw new Error(`${at} has neither a string \`version\` nor a \`versions\` array`);
    }
    if (!isObject(record['schema'])) throw new Error(`${at} has no \`schema\` object`);
    return;
  }
  if (record?.['version'] !== undefined || record?.['schema'] !== undefined) {
    throw new Error(`${at} has both \`versions\` and a top-level \`version\`/\`schema\`: give one form`);
  }
  if (!Array.isArray(versions) || versions.length === 0) {
    throw new Error(`${at}: \`versions\` must be a non-empty array`);
  }
  versions.forEach((version: unknown, i) => {
    const v = version as Record<string, unknown> | null;
    const vat = `${at}.versions[${i}]`;
    if (typeof v?.['name'] !== 'string') throw new Error(`${vat} has no string \`name\``);
    if (typeof v['storage'] !== 'boolean')
      throw new Error(`${vat} (${v['name']}) has no boolean \`storage\``);
    if (!isObject(v['schema'])) throw new Error(`${vat} (${v['name']}) has no \`schema\` object`);
  });
}

const operations = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

/** Plain data only: a webhook export is read for its fields, and a typo must name the field, not fail later. */
function assertWebhookSource(value: unknown, at: string): asserts value is WebhookSource {
  if (!isObject(value)) throw new Error(`${at} is not a webhook declaration (webhookFor(...))`);
  const kind = value['kind'];
  if (!isObject(kind)) throw new Error(`${at} has no \`kind\``);
  for (const field of ['group', 'version', 'kind', 'plural']) {
    if (typeof kind[field] !== 'string') throw new Error(`${at}.kind has no string \`${field}\``);
  }
  const name = `${String(kind['kind'])} ${String(kind['version'])}`;
  const { mutating, validating, conversion } = value;
  if (mutating === undefined && validating === undefined && conversion === undefined) {
    throw new Error(`${at} (${name}) declares no mutating, validating or conversion webhook`);
  }
  for (const [field, entry] of [
    ['mutating', mutating],
    ['validating', validating],
  ] as const) {
    if (entry === undefined) continue;
    const eat = `${at}.${field} (${name})`;
    if (!isObject(entry)) throw new Error(`${eat} must be an object`);
    const path = entry['path'];
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw new Error(`${eat} has no \`path\` starting with /`);
    const entryName = entry['name'];
    if (typeof entryName !== 'string' || !entryName.includes('.')) {
      throw new Error(`${eat} has no fully qualified \`name\` (e.g. mwidget-v1.example.com)`);
    }
    if (entry['failurePolicy'] !== 'Fail' && entry['failurePolicy'] !== 'Ignore') {
      throw new Error(`${eat}: \`failurePolicy\` must be Fail or Ignore`);
    }
    if (entry['sideEffects'] !== 'None' && entry['sideEffects'] !== 'NoneOnDryRun') {
      throw new Error(`${eat}: \`sideEffects\` must be None or NoneOnDryRun`);
    }
    const ops = entry['operations'];
    if (!Array.isArray(ops) || ops.length === 0 || !ops.every((op) => operations.has(op as string))) {
      throw new Error(`${eat}: \`operations\` must be a non-empty list of CREATE, UPDATE, DELETE, CONNECT`);
    }
    const timeout = entry['timeoutSeconds'];
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 30) {
      throw new Error(`${eat}: \`timeoutSeconds\` must be an integer from 1 to 30 (the API server's range)`);
    }
  }
  if (conversion !== undefined) {
    const cat = `${at}.conversion (${name})`;
    if (!isObject(conversion) || conversion['path'] !== '/convert') {
      throw new Error(`${cat} must be { path: '/convert', versions }`);
    }
    const versions = conversion['versions'];
    if (!Array.isArray(versions) || versions.length < 2 || !versions.every((v) => typeof v === 'string')) {
      throw new Error(`${cat}: \`versions\` must list the hub and at least one spoke`);
    }
    if (versions[0] !== kind['version']) {
      throw new Error(
        `${cat}: \`versions\` must start with the hub, the declaration's kind version ${String(kind['version'])}`,
      );
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertControllerDeclaration(value: unknown, at: string): asserts value is ControllerRbacSource {
  const record = value as Record<string, unknown> | null;
  if (typeof record?.['name'] !== 'string') throw new Error(`${at} has no \`name\``);
  const kind = record['for'] as Record<string, unknown> | undefined;
  if (typeof kind?.['group'] !== 'string' || typeof kind['plural'] !== 'string') {
    throw new Error(`${at} (${record['name']}) has no \`for\` kind with group and plural`);
  }
}
