import { posix } from 'node:path';
import { crdFileName, crdFromDefinition } from './crd/crd-from-definition.js';
import type { CustomResourceSource } from './crd/custom-resource-source.js';
import type { ControllerRbacSource } from './rbac/controller-rbac-source.js';
import { rbacFromControllers } from './rbac/rbac-from-controllers.js';
import { toManifestYaml } from './yaml/to-manifest-yaml.js';

/** What the manifests are generated from: an operator's custom resources and its controllers' declarations. */
export interface ManifestSources {
  readonly customResources: readonly CustomResourceSource[];
  readonly controllers: readonly ControllerRbacSource[];
}

/** Where the generated files go, as kubebuilder lays them out; paths are relative to the project root. */
export interface ManifestLayout {
  /** Default `config/crd/bases`: one `<group>_<plural>.yaml` per custom resource. */
  readonly crdDir?: string;
  /** Default `config/rbac/role.yaml`: the manager's ClusterRole. */
  readonly rbacRole?: string;
  /** Default `manager-role`: the name `config/rbac/role_binding.yaml` binds. */
  readonly roleName?: string;
}

/** One generated file: where it goes and what it holds. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Every generated manifest, in memory: the CRDs and the manager's ClusterRole. Pure and deterministic, so the same
 * sources give byte-identical files — which is what lets a test compare them with the committed ones.
 */
export function generateManifests(sources: ManifestSources, layout: ManifestLayout = {}): GeneratedFile[] {
  const crdDir = layout.crdDir ?? 'config/crd/bases';
  const crdFiles = new Map<string, GeneratedFile>();
  for (const def of sources.customResources) {
    const path = posix.join(crdDir, crdFileName(def));
    if (crdFiles.has(path)) {
      throw new Error(`two custom resources map to ${path}: ${def.plural}.${def.group} is defined twice`);
    }
    crdFiles.set(path, { path, content: toManifestYaml([crdFromDefinition(def)]) });
  }
  const roleOptions = layout.roleName === undefined ? {} : { roleName: layout.roleName };
  const role: GeneratedFile = {
    path: layout.rbacRole ?? 'config/rbac/role.yaml',
    content: toManifestYaml([rbacFromControllers(sources.controllers, roleOptions)]),
  };
  return [...[...crdFiles.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), role];
}
