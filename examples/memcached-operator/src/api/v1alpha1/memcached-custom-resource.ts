import type { TObject } from '@sinclair/typebox';
import { GroupName, MemcachedSchema, Version } from './memcached.js';

/** A column of `kubectl get`, as a CRD's `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  /** 0 shows by default; higher priorities only with `-o wide`. */
  readonly priority?: number;
}

/**
 * Everything a CRD says about a custom resource, as plain data: the manifests generator turns it into
 * `config/crd/bases/<group>_<plural>.yaml`, and nothing here needs the generator to be read.
 */
export interface CustomResourceDescription {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories?: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  /** The openAPIV3Schema of the version, CRD extensions (`x-kubernetes-*`, defaults) included. */
  readonly schema: TObject;
  readonly printerColumns: readonly PrinterColumn[];
  readonly subresources: {
    readonly status: boolean;
    readonly scale?: {
      readonly specReplicasPath: string;
      readonly statusReplicasPath: string;
      readonly labelSelectorPath?: string;
    };
  };
}

/** The `Memcached` custom resource: `kubectl get memcached` / `mc`, scalable with `kubectl scale`. */
export const memcachedCustomResource: CustomResourceDescription = {
  group: GroupName,
  version: Version,
  kind: 'Memcached',
  plural: 'memcacheds',
  singular: 'memcached',
  shortNames: ['mc'],
  categories: ['all'],
  scope: 'Namespaced',
  schema: MemcachedSchema,
  printerColumns: [
    {
      name: 'Replicas',
      type: 'integer',
      jsonPath: '.spec.replicas',
      description: 'Desired memcached servers',
    },
    {
      name: 'Ready',
      type: 'integer',
      jsonPath: '.status.readyReplicas',
      description: 'Ready memcached servers',
    },
    { name: 'Topology', type: 'string', jsonPath: '.spec.topology' },
    { name: 'Proxy', type: 'string', jsonPath: '.spec.proxy.engine' },
    { name: 'Available', type: 'string', jsonPath: '.status.conditions[?(@.type=="Available")].status' },
    { name: 'ConfigMap', type: 'string', jsonPath: '.status.configMap', priority: 1 },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
  subresources: {
    status: true,
    scale: {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    },
  },
};
