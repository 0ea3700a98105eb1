import { defineKind } from '@spoke/manager';
import { GroupName, Version, type Memcached } from './memcached.js';

/** The `Memcached` kind in its hub version, for the client, watches, RBAC and webhooks. */
export const MemcachedKind = defineKind<Memcached>({
  group: GroupName,
  version: Version,
  kind: 'Memcached',
  plural: 'memcacheds',
  namespaced: true,
});
