export { WriteCheckingClient, type ClientWrite } from './write-checking-client.js';
export {
  newSingleWriterClient,
  SingleWriterViolationError,
  type SingleWriterOptions,
} from './single-writer-client.js';
export { FencedClient } from './fenced-client.js';
