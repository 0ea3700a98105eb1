export {
  RestClient,
  defaultRequestTimeoutMs,
  TimeoutError,
  type HttpMethod,
  type RestRequest,
  type OpenStream,
} from './rest-client.js';
export { resourcePath, withQuery, type ResourceLocation, type QueryParams } from './resource-path.js';
