/**
 * OIDC sign-in (Semaphore's `oidc_providers`): a redirect pair beside the
 * login-and-password methods, built only when at least one provider is
 * configured. Its parts:
 *
 *   config.ts              the `oidc_providers` keys, validated at start
 *   credentials.ts         client ids and secrets, inline or from files
 *   provider-directory.ts  discovery at first use, cached; openid-client Configurations
 *   flow-secret.ts         the state cookie's secret and the state, nonce and PKCE verifier derived from it
 *   return-path.ts         where the browser may go afterwards: same-site paths only
 *   claims.ts, accounts.ts from verified claims to the local user
 *   service.ts             begin / complete
 *   routes.ts              the HTTP routes; failures.ts the `?error=` reasons
 */
import type { Config } from '../../config/schema.js';
import type { AuditService } from '../../services/audit.js';
import type { Clock } from '../../services/context.js';
import type { SessionService } from '../../services/sessions.js';
import type { UserService } from '../../services/users.js';
import type { OidcStateStore } from '../../storage/types.js';
import { OidcAccounts } from './accounts.js';
import { ProviderDirectory } from './provider-directory.js';
import { OidcService } from './service.js';

export { OidcService } from './service.js';

export function createOidcService(
  config: Config,
  deps: { states: OidcStateStore; users: UserService; sessions: SessionService; audit: AuditService; now: Clock },
): OidcService | null {
  if (config.oidcProviders.length === 0) return null;
  const directory = new ProviderDirectory({ timeoutSeconds: config.oidcTimeoutSeconds, allowHttp: config.oidcAllowHttp, now: deps.now });
  const accounts = new OidcAccounts(deps.users, config.oidcLinkLocal);
  return new OidcService(config.oidcProviders, directory, deps.states, accounts, deps.sessions, deps.audit, deps.now);
}
