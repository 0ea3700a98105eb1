import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import { Type } from '@sinclair/typebox';
import { MemcachedStatusSchema, type MemcachedStatus } from '../v1alpha1/memcached-status.js';
import { MaxNameLength } from '../v1alpha1/memcached.js';
import { MemcachedSpecSchema, type MemcachedSpec } from './memcached-spec.js';

export { GroupName, MaxNameLength } from '../v1alpha1/memcached.js';
/** The hub and storage version: the controllers read and write Memcached in this version. */
export const Version = 'v1beta1';

/** The whole object's schema: the CRD's `openAPIV3Schema` of v1beta1. The status is v1alpha1's, unchanged. */
export const MemcachedSchema = Type.Object(
  {
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Object({})),
    spec: Type.Optional(MemcachedSpecSchema),
    status: Type.Optional(MemcachedStatusSchema),
  },
  {
    description:
      'A memcached pool: servers in a StatefulSet behind a proxy Deployment configured with consistent hashing.',
    'x-kubernetes-validations': [
      {
        rule: `size(self.metadata.name) <= ${MaxNameLength}`,
        message: `metadata.name must be at most ${MaxNameLength} characters: it names the StatefulSet, whose pods carry it in a 63-character label`,
      },
    ],
  },
);

/** A Memcached object in v1beta1, as the controllers see it. */
export interface Memcached extends KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: MemcachedSpec;
  status?: MemcachedStatus;
}
