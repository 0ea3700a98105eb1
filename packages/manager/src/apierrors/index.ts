export * from './api-error.js';
export { isResourceExpired } from './api-error-from-response.js';
