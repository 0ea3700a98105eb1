export * from './memcached.js';
export * from './memcached-spec.js';
export * from '../v1alpha1/memcached-status.js';
export * from './memcached-custom-resource.js';
export * from './memcached-kind.js';
