export * from './backend.js';
export * from './config-hash.js';
export * from './render-mcrouter-config.js';
export * from './render-proxy-config.js';
export * from './render-twemproxy-config.js';
