/**
 * What the manifests generator reads (`spoke manifests`): the custom resources whose CRDs it writes to
 * config/crd/bases, the controllers whose declarations become config/rbac/role.yaml, and the webhooks that become
 * config/webhook/manifests.yaml and the CRD's conversion stanza. Importing this module starts nothing.
 */
import { memcachedCustomResource } from './api/v1beta1/memcached-custom-resource.js';

export const customResources = [memcachedCustomResource];
export { controllers } from './controllers/index.js';
export { webhooks } from './webhooks/index.js';
