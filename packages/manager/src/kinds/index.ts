export * from './resource-kind.js';
export * from './object-key.js';
export * from './builtin-kinds.js';
export * from './owner-references.js';
