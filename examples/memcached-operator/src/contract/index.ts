export * from './annotations.js';
export * from './labels.js';
export * from './names.js';
export * from './proxy-config-maps.js';
