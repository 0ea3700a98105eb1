export * from './client.js';
export * from './kube-client.js';
export * from './operation-result.js';
export * from './create-or-update.js';
export * from './create-or-patch.js';
export * from './set-controller-reference.js';
export * from './finalizers.js';
