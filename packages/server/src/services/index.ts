/** Wires the services over a Storage. One place, so app, CLI and tests agree. */
import { firstFactorMethods } from '../auth-methods/index.js';
import { createOidcService, type OidcService } from '../auth-methods/oidc/index.js';
import type { Config } from '../config/schema.js';
import { PasswordHasher } from '../crypto/passwords.js';
import type { Storage } from '../storage/types.js';
import { AuditService } from './audit.js';
import { systemClock, type Clock } from './context.js';
import { LoginService } from './login.js';
import { Maintenance } from './maintenance.js';
import { SessionService } from './sessions.js';
import { LoginThrottle } from './throttle.js';
import { TokenService } from './tokens.js';
import { UserService } from './users.js';

export interface Services {
  audit: AuditService;
  sessions: SessionService;
  tokens: TokenService;
  users: UserService;
  login: LoginService;
  throttle: LoginThrottle;
  maintenance: Maintenance;
  /** OIDC sign-in; null when no provider is configured. */
  oidc: OidcService | null;
}

export function createServices(storage: Storage, config: Config, now: Clock = systemClock): Services {
  const hasher = new PasswordHasher({ memoryKiB: config.argon2MemoryKiB, timeCost: config.argon2TimeCost, threads: config.hashingThreads });
  const audit = new AuditService(storage.audit, now);
  const sessions = new SessionService(
    storage.sessions,
    { idleMs: config.sessionIdleHours * 3_600_000, absoluteMs: config.sessionMaxLifeHours * 3_600_000 },
    audit,
    now,
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
  const users = new UserService(storage.users, hasher, sessions, throttle, audit, now);
  const methods = firstFactorMethods(config, { users, userStore: storage.users, hasher });
  const login = new LoginService(storage.users, methods, sessions, throttle, audit, config.passwordLoginDisabled);
  const maintenance = new Maintenance(storage, audit, throttle, config.auditRetentionDays, now);
  const oidc = createOidcService(config, { states: storage.oidcStates, users, sessions, audit, now });
  return { audit, sessions, tokens, users, login, throttle, maintenance, oidc };
}
