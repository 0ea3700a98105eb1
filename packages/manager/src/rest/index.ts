export {
  RestClient,
  defaultRequestTimeoutMs,
  TimeoutError,
  type HttpMethod,
  type RestRequest,
  type OpenStream,
  type RestClientOptions,
} from './rest-client.js';
export { resourcePath, withQuery, type ResourceLocation, type QueryParams } from './resource-path.js';
export { defaultCredentialRefreshMs } from './http-transport.js';
