/**
 * What the manifests generator reads (`spoke manifests`): the custom resources whose CRDs it writes to
 * config/crd/bases, and the controllers whose declarations become config/rbac/role.yaml. Importing this module
 * starts nothing.
 */
import { memcachedCustomResource } from './api/v1alpha1/memcached-custom-resource.js';

export const customResources = [memcachedCustomResource];
export { controllers } from './controllers/index.js';
