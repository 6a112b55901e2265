/**
 * Two-factor sign-in with TOTP: a second factor is a session state, not a
 * sign-in method (services/second-factor.ts decides what a session may do).
 * This folder holds the rest: the service (enrolment, the code step,
 * turning it off), its routes — registered only when
 * SEMAPHORE_TOTP_ENABLED is on — and the pieces they use (RFC 6238 codes,
 * recovery codes, sealed secrets, the QR code).
 */
import type { Config } from '../../config/schema.js';
import type { AuditService } from '../../services/audit.js';
import type { Clock } from '../../services/context.js';
import type { SessionService } from '../../services/sessions.js';
import { LoginThrottle } from '../../services/throttle.js';
import type { Storage } from '../../storage/types.js';
import { SecretBox, loadKey } from './secret-box.js';
import { TotpService } from './service.js';

export { TotpService } from './service.js';

export interface TotpServiceDeps {
  storage: Storage;
  sessions: SessionService;
  audit: AuditService;
  now: Clock;
}

/** Always made (the CLI shows and turns off enrolments whatever the settings); its routes only when enabled. */
export function createTotpService(config: Config, deps: TotpServiceDeps): TotpService {
  let box: SecretBox | undefined;
  const throttle = new LoginThrottle(
    deps.storage.throttle,
    {
      perAccountAddress: config.loginMaxFailuresPerAccountAddress,
      perAddress: config.loginMaxFailuresPerAddress,
      windowSeconds: config.loginThrottleWindowSeconds,
    },
    deps.now,
    'totp',
  );
  return new TotpService(
    { enabled: config.totpEnabled, allowRecovery: config.totpAllowRecovery, issuer: config.totpIssuer },
    {
      store: deps.storage.totp,
      users: deps.storage.users,
      sessions: deps.sessions,
      throttle,
      audit: deps.audit,
      box: () => (box ??= new SecretBox(loadKey({ value: config.secretKey, file: config.secretKeyFile }))),
      now: deps.now,
    },
  );
}
