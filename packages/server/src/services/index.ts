/** Wires the services over a Storage. One place, so app, CLI and tests agree. */
import { firstFactorMethods } from '../auth-methods/index.js';
import { createOidcService, type OidcService } from '../auth-methods/oidc/index.js';
import { createTotpService, type TotpService } from '../auth-methods/totp/index.js';
import type { Config } from '../config/schema.js';
import { PasswordHasher } from '../crypto/passwords.js';
import type { Storage } from '../storage/types.js';
import { AuditService } from './audit.js';
import { systemClock, type Clock } from './context.js';
import { LoginService } from './login.js';
import { Maintenance } from './maintenance.js';
import { Readiness } from './readiness.js';
import { SecondFactorPolicy } from './second-factor.js';
import { SessionService } from './sessions.js';
import { LoginThrottle } from './throttle.js';
import { TokenService } from './tokens.js';
import { UserAdmin } from './user-admin.js';
import { UserService } from './users.js';

export interface Services {
  audit: AuditService;
  sessions: SessionService;
  tokens: TokenService;
  users: UserService;
  /** The users API's rules for signed-in callers, over `users`. */
  userAdmin: UserAdmin;
  login: LoginService;
  throttle: LoginThrottle;
  maintenance: Maintenance;
  readiness: Readiness;
  /** Load of the password hashing threads (read by metrics). */
  hashing: { readonly queued: number };
  /** OIDC sign-in; null when no provider is configured. */
  oidc: OidcService | null;
  /** What a session may do with respect to the second factor: the authenticate guard asks it. */
  secondFactor: SecondFactorPolicy;
  /** TOTP enrolments and the code step (its routes are served only with SEMAPHORE_TOTP_ENABLED). */
  totp: TotpService;
}

export function createServices(storage: Storage, config: Config, now: Clock = systemClock): Services {
  const hasher = new PasswordHasher({ memoryKiB: config.argon2MemoryKiB, timeCost: config.argon2TimeCost, threads: config.hashingThreads });
  const audit = new AuditService(storage.audit, now);
  const secondFactor = new SecondFactorPolicy({ totpEnabled: config.totpEnabled, required: config.totpRequired });
  const sessions = new SessionService(
    storage.sessions,
    { idleMs: config.sessionIdleHours * 3_600_000, absoluteMs: config.sessionMaxLifeHours * 3_600_000 },
    audit,
    now,
    secondFactor,
  );
  const throttle = new LoginThrottle(
    storage.throttle,
    {
      perAccountAddress: config.loginMaxFailuresPerAccountAddress,
      perAddress: config.loginMaxFailuresPerAddress,
      windowSeconds: config.loginThrottleWindowSeconds,
    },
    now,
  );
  const tokens = new TokenService(storage.tokens, audit, now);
  const users = new UserService(storage.users, hasher, throttle, audit, now);
  const userAdmin = new UserAdmin(users, hasher, throttle, audit);
  const methods = firstFactorMethods(config, { users, userStore: storage.users, hasher });
  const login = new LoginService(storage.users, methods, sessions, throttle, audit, config.passwordLoginDisabled);
  const maintenance = new Maintenance(storage, audit, throttle, config.auditRetentionDays, now);
  const oidc = createOidcService(config, { states: storage.oidcStates, users, sessions, audit, now });
  const readiness = new Readiness(storage);
  const totp = createTotpService(config, { storage, sessions, audit, now });
  return { audit, sessions, tokens, users, userAdmin, login, throttle, maintenance, oidc, readiness, hashing: hasher, secondFactor, totp };
}
