import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomResourceSource } from './crd/custom-resource-source.js';
import type { ManifestSources } from './generate-manifests.js';
import type { ControllerRbacSource } from './rbac/controller-rbac-source.js';

/** Turns a controller class into its declaration; `@spoke/manager`'s `getControllerMetadata` by default. */
export type ControllerMetadataReader = (
  controller: abstract new (...args: never[]) => unknown,
) => ControllerRbacSource;

/**
 * Imports a compiled module and reads the two exports the generator needs:
 * - `customResources`: the custom resource descriptions (plain data, see {@link CustomResourceSource});
 * - `controllers`: the controller classes the manager registers (or their declarations as plain data).
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
  return { customResources: customResources as CustomResourceSource[], controllers: declarations };
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
  for (const field of ['group', 'version', 'kind', 'plural', 'scope']) {
    if (typeof record?.[field] !== 'string') throw new Error(`${at} has no string \`${field}\``);
  }
  if (typeof record?.['schema'] !== 'object') throw new Error(`${at} has no \`schema\` object`);
}

function assertControllerDeclaration(value: unknown, at: string): asserts value is ControllerRbacSource {
  const record = value as Record<string, unknown> | null;
  if (typeof record?.['name'] !== 'string') throw new Error(`${at} has no \`name\``);
  const kind = record['for'] as Record<string, unknown> | undefined;
  if (typeof kind?.['group'] !== 'string' || typeof kind['plural'] !== 'string') {
    throw new Error(`${at} (${record['name']}) has no \`for\` kind with group and plural`);
  }
}
