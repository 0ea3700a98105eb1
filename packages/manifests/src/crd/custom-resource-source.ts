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

/** The names and scope every version of a custom resource shares. */
export interface CustomResourceNamesSource {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  /** Default: the kind in lower case. */
  readonly singular?: string;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
}

/** What a CRD says about one version's objects: schema, columns and subresources. */
export interface CustomResourceVersionShape {
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

/** One version of a multi-version custom resource: `spec.versions[]` of its CRD. */
export interface CustomResourceVersionSource extends CustomResourceVersionShape {
  /** e.g. `v1beta1`. */
  readonly name: string;
  /** Whether the API serves it; default true. */
  readonly served?: boolean;
  /** Whether objects are stored in etcd in this version; exactly one version of a CRD is. */
  readonly storage: boolean;
  /** Marks the version deprecated: the API server warns every client that uses it. */
  readonly deprecated?: boolean;
  readonly deprecationWarning?: string;
}

/**
 * Everything a CRD says about a custom resource of one version, as plain data (served and stored in that version).
 *
 * Structurally the same as the operator's `CustomResourceDescription`, so an API package need not depend on the
 * generator: any object of this shape can be turned into a CRD by {@link crdFromDefinition}.
 */
export interface SingleVersionCustomResourceSource
  extends CustomResourceNamesSource,
    CustomResourceVersionShape {
  readonly version: string;
  readonly versions?: never;
}

/** A custom resource served in several versions; a conversion webhook converts between them. */
export interface MultiVersionCustomResourceSource extends CustomResourceNamesSource {
  readonly versions: readonly CustomResourceVersionSource[];
  readonly version?: never;
  readonly schema?: never;
}

/** A custom resource's description, in either form. */
export type CustomResourceSource = SingleVersionCustomResourceSource | MultiVersionCustomResourceSource;

/** The versions of a source, the single-version form as one served storage version. */
export function versionsOf(def: CustomResourceSource): readonly CustomResourceVersionSource[] {
  if (def.versions !== undefined) return def.versions;
  const { version, schema, printerColumns, subresources } = def;
  return [
    {
      name: version,
      storage: true,
      schema,
      ...(printerColumns === undefined ? {} : { printerColumns }),
      ...(subresources === undefined ? {} : { subresources }),
    },
  ];
}
