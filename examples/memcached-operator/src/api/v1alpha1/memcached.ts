import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import { Type } from '@sinclair/typebox';
import { MemcachedSpecSchema, type MemcachedSpec } from './memcached-spec.js';
import { MemcachedStatusSchema, type MemcachedStatus } from './memcached-status.js';

export const GroupName = 'cache.spoke.dev';
export const Version = 'v1alpha1';

/**
 * The longest Memcached name: the StatefulSet `<name>` labels its pods with `controller-revision-hash:
 * <name>-<10 chars>`, and a label value holds at most 63 characters.
 */
export const MaxNameLength = 52;

/** The whole object's schema: the CRD's `openAPIV3Schema`. */
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

/** A Memcached object as read from and written to the API. */
export interface Memcached extends KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: MemcachedSpec;
  status?: MemcachedStatus;
}
