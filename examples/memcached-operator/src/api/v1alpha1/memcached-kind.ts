// The one file of the API that needs the framework at run time: the schema, types and CRD description do not,
// so the pure rendering and resource code (and its unit tests) never load @spoke/manager.
import { defineKind } from '@spoke/manager';
import type { Memcached } from './memcached.js';
import { memcachedCustomResource as cr } from './memcached-custom-resource.js';

/** The `Memcached` kind for the client, watches and RBAC; derived from the CRD description so the two cannot differ. */
export const MemcachedKind = defineKind<Memcached>({
  group: cr.group,
  version: cr.version,
  kind: cr.kind,
  plural: cr.plural,
  namespaced: cr.scope === 'Namespaced',
});
