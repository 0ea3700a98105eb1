export * from './api/v1alpha1/index.js';
export * from './proxy/index.js';
export * from './contract/index.js';
export * from './controllers/index.js';
export { customResources } from './manifest-sources.js';
