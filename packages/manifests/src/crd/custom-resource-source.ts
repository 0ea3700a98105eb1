/** A column of `kubectl get`: one `additionalPrinterColumns` entry of the CRD version. */
export interface PrinterColumnSource {
  readonly name: string;
  readonly type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  /** A simple JSONPath into the object, starting with `.`, e.g. `.spec.replicas`. */
  readonly jsonPath: string;
  readonly description?: string;
  /** 0 (the default) shows in `kubectl get`; higher priorities only with `-o wide`. */
  readonly priority?: number;
  readonly format?: 'int32' | 'int64' | 'float' | 'double' | 'byte' | 'date' | 'date-time' | 'password';
}

/** The `scale` subresource: where `kubectl scale` and the HPA read and write replicas. */
export interface ScaleSubresourceSource {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

/**
 * Everything a CRD says about one version of a custom resource, as plain data.
 *
 * Structurally the same as the operator's `CustomResourceDescription`, so an API package need not depend on the
 * generator: any object of this shape can be turned into a CRD by {@link crdFromDefinition}.
 */
export interface CustomResourceSource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  /** Default: the kind in lower case. */
  readonly singular?: string;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  /**
   * The whole object's schema (the version's `openAPIV3Schema`) as JSON Schema: a TypeBox `TSchema` or plain data.
   * `apiVersion`, `kind` and `metadata` are added when absent, as controller-gen does.
   */
  readonly schema: object;
  readonly printerColumns?: readonly PrinterColumnSource[];
  readonly subresources?: {
    /** Enables `/status`: spec and status are then written through separate endpoints. Default false. */
    readonly status?: boolean;
    readonly scale?: ScaleSubresourceSource;
  };
}
