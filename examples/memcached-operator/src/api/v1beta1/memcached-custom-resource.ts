import type { TObject } from '@sinclair/typebox';
import {
  memcachedCustomResource as v1alpha1,
  type PrinterColumn,
} from '../v1alpha1/memcached-custom-resource.js';
import { MemcachedSchema, Version } from './memcached.js';

/** One version of the CRD, as `spec.versions[]`: plain data for the manifests generator. */
export interface CustomResourceVersionDescription {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
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

/** A custom resource served in several versions (the generator's multi-version form). */
export interface MultiVersionCustomResourceDescription {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories?: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  readonly versions: readonly CustomResourceVersionDescription[];
}

const v1beta1Version: CustomResourceVersionDescription = {
  name: Version,
  served: true,
  storage: true,
  schema: MemcachedSchema,
  printerColumns: [
    {
      name: 'Replicas',
      type: 'integer',
      jsonPath: '.spec.servers.replicas',
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
      specReplicasPath: '.spec.servers.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    },
  },
};

/**
 * The `Memcached` custom resource in both versions: v1beta1 the hub and storage version, v1alpha1 still served
 * (and converted by the webhook), so existing clients and objects keep working. The kind, names and short names
 * are v1alpha1's.
 */
export const memcachedCustomResource: MultiVersionCustomResourceDescription = {
  group: v1alpha1.group,
  kind: v1alpha1.kind,
  plural: v1alpha1.plural,
  singular: v1alpha1.singular,
  shortNames: v1alpha1.shortNames,
  ...(v1alpha1.categories === undefined ? {} : { categories: v1alpha1.categories }),
  scope: v1alpha1.scope,
  versions: [
    v1beta1Version,
    {
      name: v1alpha1.version,
      served: true,
      storage: false,
      schema: v1alpha1.schema,
      printerColumns: v1alpha1.printerColumns,
      subresources: v1alpha1.subresources,
    },
  ],
};
