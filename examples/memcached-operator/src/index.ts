// The package root keeps v1alpha1's names (what existing clients import); the hub version the controllers use is
// `v1beta1`, and the webhooks are exported for a manager that embeds the operator.
export * from './api/v1alpha1/index.js';
export * as v1beta1 from './api/v1beta1/index.js';
export {
  convertFromHub,
  convertToHub,
  V1beta1FieldsAnnotation,
} from './api/conversion/memcached-conversion.js';
export * from './proxy/index.js';
export * from './contract/index.js';
export * from './controllers/index.js';
export {
  AllowCacheLossAnnotation,
  MemcachedDefaulter,
  MemcachedValidator,
  memcachedWebhooks,
  webhooks,
} from './webhooks/index.js';
export { customResources } from './manifest-sources.js';
