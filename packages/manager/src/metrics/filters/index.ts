export {
  withAuthenticationAndAuthorization,
  type AuthenticationAndAuthorizationOptions,
  type MetricsFilter,
  type RequestHandler,
} from './authentication-and-authorization-filter.js';
