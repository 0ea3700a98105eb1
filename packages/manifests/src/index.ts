export {
  versionsOf,
  type CustomResourceSource,
  type CustomResourceNamesSource,
  type CustomResourceVersionShape,
  type CustomResourceVersionSource,
  type MultiVersionCustomResourceSource,
  type SingleVersionCustomResourceSource,
  type PrinterColumnSource,
  type ScaleSubresourceSource,
} from './crd/custom-resource-source.js';
export type {
  CustomResourceConversion,
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
} from './crd/custom-resource-definition.js';
export type { JSONSchemaProps, SchemaType, ValidationRule } from './crd/json-schema-props.js';
export { StructuralSchemaError } from './crd/structural-schema-error.js';
export { toJSONSchemaProps } from './crd/to-json-schema-props.js';
export { assertStructuralSchema } from './crd/assert-structural-schema.js';
export {
  crdFromDefinition,
  crdFileName,
  webhookService,
  type CrdOptions,
} from './crd/crd-from-definition.js';
export type {
  AdmissionOperationSource,
  AdmissionWebhookSource,
  WebhookKindSource,
  WebhookSource,
} from './webhook/webhook-source.js';
export {
  webhookConfigurations,
  type AdmissionWebhook,
  type WebhookConfiguration,
} from './webhook/webhook-configurations.js';
export type { ControllerRbacSource, RbacKind, RbacWriteTarget } from './rbac/controller-rbac-source.js';
export type { ClusterRole, PolicyRule } from './rbac/policy-rule.js';
export { normalizeRules } from './rbac/normalize-rules.js';
export { rbacFromControllers, type RbacOptions } from './rbac/rbac-from-controllers.js';
export { toManifestYaml, generatedHeader } from './yaml/to-manifest-yaml.js';
export {
  generateManifests,
  defaultWebhookManifests,
  type GeneratedFile,
  type ManifestLayout,
  type ManifestSources,
} from './generate-manifests.js';
export { findManifestDrift, type ManifestDrift } from './find-manifest-drift.js';
export { loadManifestSources, type ControllerMetadataReader } from './load-manifest-sources.js';
