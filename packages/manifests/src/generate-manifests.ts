import { posix } from 'node:path';
import { crdFileName, crdFromDefinition } from './crd/crd-from-definition.js';
import { versionsOf, type CustomResourceSource } from './crd/custom-resource-source.js';
import type { ControllerRbacSource } from './rbac/controller-rbac-source.js';
import { rbacFromControllers } from './rbac/rbac-from-controllers.js';
import { webhookConfigurations } from './webhook/webhook-configurations.js';
import type { WebhookSource } from './webhook/webhook-source.js';
import { toManifestYaml } from './yaml/to-manifest-yaml.js';

/**
 * What the manifests are generated from: an operator's custom resources, its controllers' declarations and its
 * webhook declarations.
 */
export interface ManifestSources {
  readonly customResources: readonly CustomResourceSource[];
  readonly controllers: readonly ControllerRbacSource[];
  /** Absent or empty: no webhook, no config/webhook/manifests.yaml, no conversion stanza. */
  readonly webhooks?: readonly WebhookSource[];
}

/** Where the generated files go, as kubebuilder lays them out; paths are relative to the project root. */
export interface ManifestLayout {
  /** Default `config/crd/bases`: one `<group>_<plural>.yaml` per custom resource. */
  readonly crdDir?: string;
  /** Default `config/rbac/role.yaml`: the manager's ClusterRole. */
  readonly rbacRole?: string;
  /** Default `manager-role`: the name `config/rbac/role_binding.yaml` binds. */
  readonly roleName?: string;
  /** Default `config/webhook/manifests.yaml`: the admission webhook configurations, when there are any. */
  readonly webhookManifests?: string;
}

/** One generated file: where it goes and what it holds. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/** The default of {@link ManifestLayout.webhookManifests}. */
export const defaultWebhookManifests = 'config/webhook/manifests.yaml';

/**
 * Every generated manifest, in memory: the CRDs (with the conversion stanza of those a webhook converts), the
 * manager's ClusterRole and the admission webhook configurations. Pure and deterministic, so the same
 * sources give byte-identical files — which is what lets a test compare them with the committed ones.
 */
export function generateManifests(sources: ManifestSources, layout: ManifestLayout = {}): GeneratedFile[] {
  const crdDir = layout.crdDir ?? 'config/crd/bases';
  const webhooks = sources.webhooks ?? [];
  const conversions = conversionsByResource(sources.customResources, webhooks);
  checkAdmissionVersions(sources.customResources, webhooks);
  const crdFiles = new Map<string, GeneratedFile>();
  for (const def of sources.customResources) {
    const path = posix.join(crdDir, crdFileName(def));
    if (crdFiles.has(path)) {
      throw new Error(`two custom resources map to ${path}: ${def.plural}.${def.group} is defined twice`);
    }
    const conversionVersions = conversions.get(resourceKey(def));
    const crd = crdFromDefinition(def, conversionVersions === undefined ? {} : { conversionVersions });
    crdFiles.set(path, { path, content: toManifestYaml([crd]) });
  }
  const roleOptions = layout.roleName === undefined ? {} : { roleName: layout.roleName };
  const role: GeneratedFile = {
    path: layout.rbacRole ?? 'config/rbac/role.yaml',
    content: toManifestYaml([rbacFromControllers(sources.controllers, roleOptions)]),
  };
  const configurations = webhookConfigurations(webhooks);
  const webhookFiles: GeneratedFile[] =
    configurations.length === 0
      ? []
      : [
          {
            path: layout.webhookManifests ?? defaultWebhookManifests,
            content: toManifestYaml(configurations),
          },
        ];
  return [...[...crdFiles.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), role, ...webhookFiles];
}

function resourceKey(kind: { group: string; kind: string }): string {
  return `${kind.kind}.${kind.group}`;
}

/** The versions each custom resource's conversion webhook converts; a conversion of no custom resource is an error. */
function conversionsByResource(
  customResources: readonly CustomResourceSource[],
  webhooks: readonly WebhookSource[],
): Map<string, readonly string[]> {
  const known = new Set(customResources.map(resourceKey));
  const conversions = new Map<string, readonly string[]>();
  for (const webhook of webhooks) {
    if (webhook.conversion === undefined) continue;
    const key = resourceKey(webhook.kind);
    if (!known.has(key)) {
      throw new Error(
        `the webhook of ${key} converts versions, but ${key} is not among the custom resources: only a CRD can be converted`,
      );
    }
    if (conversions.has(key))
      throw new Error(`two webhook declarations convert ${key}: declare its spokes once`);
    conversions.set(key, webhook.conversion.versions);
  }
  return conversions;
}

/** An admission webhook for a custom resource must name one of its served versions, or it would never be called. */
function checkAdmissionVersions(
  customResources: readonly CustomResourceSource[],
  webhooks: readonly WebhookSource[],
): void {
  for (const webhook of webhooks) {
    if (webhook.mutating === undefined && webhook.validating === undefined) continue;
    const def = customResources.find((d) => resourceKey(d) === resourceKey(webhook.kind));
    if (def === undefined) continue;
    const served = versionsOf(def)
      .filter((v) => v.served !== false)
      .map((v) => v.name);
    if (!served.includes(webhook.kind.version)) {
      throw new Error(
        `the webhooks of ${resourceKey(webhook.kind)} are for version ${webhook.kind.version}, which the CRD does not serve (${served.join(', ')})`,
      );
    }
  }
}
