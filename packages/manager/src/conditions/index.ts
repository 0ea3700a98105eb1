export * from './status-conditions.js';
