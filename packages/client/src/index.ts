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
  AuthMethods,
  CreateTokenOptions,
  DateTimeString,
  Login,
  LoginMetadata,
  OidcProvider,
  RequestOptions,
  Session,
  TotpEnrolment,
  TotpMethod,
  TotpPasscode,
  TotpRecoveryCode,
  TotpRecoveryCodes,
  User,
  UserPutRequest,
  UserRequest,
  UsersUserIdPasswordPostRequest,
  UserSummary,
  UserTotp,
} from './models.js';
