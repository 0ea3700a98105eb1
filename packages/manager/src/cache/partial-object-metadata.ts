import type { V1ObjectMeta } from '@kubernetes/client-node';

/**
 * An object with only its metadata, as a metadata-only informer stores it (meta.k8s.io/v1 PartialObjectMetadata).
 * `apiVersion` and `kind` are those of the watched kind, not `meta.k8s.io/v1`.
 */
export interface PartialObjectMetadata {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
}
