/**
 * `@semauth/client`: a dependency-free TypeScript client for the Semaphore
 * UI authentication API, as served by semauth or by Semaphore itself.
 *
 * @packageDocumentation
 */
export { Configuration, DEFAULT_BASE_PATH } from './configuration.js';
export type { ApiKey, ConfigurationParameters, CredentialsMode } from './configuration.js';
export { AuthenticationApi } from './authentication-api.js';
export { UserApi } from './user-api.js';
export { PingApi } from './ping-api.js';
export { ApiException, NetworkError, TimeoutError } from './errors.js';
export type {
  APIToken,
  CreateTokenOptions,
  DateTimeString,
  Login,
  LoginMetadata,
  OidcProvider,
  RequestOptions,
  Session,
  User,
  UserPutRequest,
  UserRequest,
  UsersUserIdPasswordPostRequest,
  UserSummary,
} from './models.js';
