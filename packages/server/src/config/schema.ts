/**
 * Every setting semauth reads, in one place: its config.json key, its
 * environment variables (Semaphore's names where Semaphore has the setting,
 * SEMAUTH_* otherwise), its default and a one-line description. The table in
 * docs/configuration.md is generated from this list (`node scripts/config-docs.mjs --write`).
 */
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../services/users.js';
import {
  bool, int, key256, ldapFilter, ldapMapping, ldapServer, list, oneOf, options, origins, port, proxyHops, str, text, webRoot, type Parser,
} from './parsers.js';
import { decodeKey } from '../auth-methods/totp/secret-box.js';
import { parseOidcProviders, type OidcProviderConfig } from '../auth-methods/oidc/config.js';

export interface Setting<T> {
  /** Dotted path in config.json, e.g. `postgres.host`. */
  key: string;
  /** Older spellings of the key that are still read (Semaphore moved some), after `key`. */
  legacyKeys?: readonly string[];
  /** Environment variables, first one wins. */
  env: readonly string[];
  default: T;
  doc: string;
  parse: Parser<T>;
  /** Never printed (passwords). */
  secret?: boolean;
  /**
   * The default as an operator would type it, where the parsed value reads
   * otherwise (`false` for zero trusted proxies). Empty: no default to show.
   */
  shownDefault: string;
}

/** The default as typed: a list comma-separated, an object as JSON, "nothing" and secrets empty. */
function typedForm(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return Object.values(value).every((v) => typedForm(v) === '') ? '' : JSON.stringify(value);
  return String(value);
}

function setting<T>(s: Omit<Setting<T>, 'shownDefault'> & { shownDefault?: string }): Setting<T> {
  return { ...s, shownDefault: s.secret ? '' : (s.shownDefault ?? typedForm(s.default)) };
}

const HOUR = 1;

export const settings = {
  dialect: setting({
    key: 'dialect', env: ['SEMAPHORE_DB_DIALECT'], default: 'sqlite' as 'sqlite' | 'postgres',
    parse: oneOf(['sqlite', 'postgres'] as const), doc: 'Database engine: `sqlite` (embedded file) or `postgres`.',
  }),
  sqlitePath: setting({
    key: 'sqlite.host', env: ['SEMAPHORE_DB_HOST'], default: 'data/semauth.sqlite', parse: str,
    doc: 'SQLite: path of the database file (Semaphore uses `host` as the file path). Created with mode 0600 (and missing directories, 0700) by `semauth server`, `migrate` and `user add`; other commands never create it.',
  }),
  pgUrl: setting({
    key: 'postgres.url', env: ['SEMAUTH_DB_URL', 'DATABASE_URL'], default: '', parse: str, secret: true,
    doc: 'PostgreSQL: a connection URL (`postgres://user:pass@host:5432/db?sslmode=require`); overrides the separate settings below.',
  }),
  pgHost: setting({
    key: 'postgres.host', env: ['SEMAPHORE_DB_HOST'], default: 'localhost', parse: str,
    doc: 'PostgreSQL: `host` or `host:port`.',
  }),
  pgPort: setting({
    key: 'postgres.port', env: ['SEMAPHORE_DB_PORT'], default: 5432, parse: port,
    doc: 'PostgreSQL: port, when `host` does not carry one.',
  }),
  pgUser: setting({ key: 'postgres.user', env: ['SEMAPHORE_DB_USER'], default: 'semauth', parse: str, doc: 'PostgreSQL: user name.' }),
  pgPassword: setting({
    key: 'postgres.pass', env: ['SEMAPHORE_DB_PASS'], default: '', parse: str, secret: true, doc: 'PostgreSQL: password.',
  }),
  pgDatabase: setting({
    key: 'postgres.name', env: ['SEMAPHORE_DB', 'SEMAPHORE_DB_NAME'], default: 'semauth', parse: str,
    doc: 'PostgreSQL: database name.',
  }),
  pgOptions: setting({
    key: 'postgres.options', env: ['SEMAPHORE_DB_OPTIONS'], default: {} as Record<string, string>, parse: options,
    doc: 'PostgreSQL: connection options such as `{"sslmode":"require"}` (JSON) or `sslmode=require`.',
  }),
  dbStatementTimeoutSeconds: setting({
    key: 'db_statement_timeout_seconds', env: ['SEMAUTH_DB_STATEMENT_TIMEOUT_SECONDS'], default: 10, parse: int(0, 3600),
    doc: 'PostgreSQL: longest a statement may run (server-side `statement_timeout`) and wait for an answer (client-side), so a database that hangs or vanishes gets `503`s instead of requests hanging forever. `0`: no limit. Migrations are not limited.',
  }),
  dbPoolSize: setting({
    key: 'db_pool_size', env: ['SEMAUTH_DB_POOL_SIZE'], default: 10, parse: int(1, 1000),
    doc: 'PostgreSQL: connections in the pool of each instance.',
  }),
  port: setting({ key: 'port', env: ['SEMAPHORE_PORT'], default: 3000, parse: port, doc: 'TCP port to listen on (`3000` or `:3000`).' }),
  interface: setting({
    key: 'interface', env: ['SEMAPHORE_INTERFACE'], default: '127.0.0.1', parse: str,
    doc: 'Address to listen on. semauth defaults to loopback; use `0.0.0.0` to open it to the network on purpose.',
  }),
  webRoot: setting({
    key: 'web_host', env: ['SEMAPHORE_WEB_ROOT'], default: { prefix: '', origin: null } as { prefix: string; origin: string | null },
    parse: webRoot,
    doc: 'Public URL or path prefix the service is served under (`https://example.com/semaphore` or `/semaphore`): the web UI at it, the API at `<it>/api`. Its origin is the one browsers may send state-changing requests from.',
  }),
  passwordLoginDisabled: setting({
    key: 'password_login_disable', env: ['SEMAPHORE_PASSWORD_LOGIN_DISABLED'], default: false, parse: bool,
    doc: 'Refuse sign-in with a login and password on `POST /api/auth/login` — local and LDAP alike, as Semaphore\'s UI then hides that form — and say so in `GET /api/auth/login`.',
  }),
  nonAdminCanCreateProject: setting({
    key: 'non_admin_can_create_project', env: ['SEMAPHORE_NON_ADMIN_CAN_CREATE_PROJECT'], default: false, parse: bool,
    doc: 'Reported as `can_create_project` of non-admin users by `GET /api/user`.',
  }),
  sessionIdleHours: setting({
    key: 'session_idle_hours', env: ['SEMAUTH_SESSION_IDLE_HOURS'], default: 7 * 24 * HOUR, parse: int(1, 24 * 3650),
    doc: 'A session ends after this many hours without use (Semaphore: 7 days).',
  }),
  sessionMaxLifeHours: setting({
    key: 'max_session_life_hours', env: ['SEMAUTH_MAX_SESSION_LIFE_HOURS'], default: 30 * 24 * HOUR, parse: int(1, 24 * 3650),
    doc: 'A session ends this many hours after login, however much it is used.',
  }),
  cookieSecure: setting({
    key: 'cookie_secure', env: ['SEMAUTH_COOKIE_SECURE'], default: 'auto' as 'auto' | 'always' | 'never',
    parse: oneOf(['auto', 'always', 'never'] as const),
    doc: '`auto`: the cookie is `Secure` when the request came over HTTPS (directly or via a trusted proxy); `always` / `never` force it.',
  }),
  trustProxy: setting({
    key: 'trust_proxy', env: ['SEMAUTH_TRUST_PROXY'], default: 0, shownDefault: 'false', parse: proxyHops,
    doc: '`true` (one reverse proxy in front) or the number of proxies in front: the client address is then the entry that many places from the right of `X-Forwarded-For` (or `X-Real-IP` without it), and the scheme and host come from `X-Forwarded-Proto`/`X-Forwarded-Host`. Only behind proxies that set them; `false` (default) uses the socket.',
  }),
  allowedOrigins: setting({
    key: 'allowed_origins', env: ['SEMAUTH_ALLOWED_ORIGINS'], default: [] as string[], parse: origins,
    doc: 'Extra origins (comma-separated) allowed to send cookie-authenticated state-changing requests.',
  }),
  semaphoreUiCompat: setting({
    key: 'semaphore_ui_compat', env: ['SEMAUTH_SEMAPHORE_UI_COMPAT'], default: false, parse: bool,
    doc: "For Semaphore's own web UI, which thinks it is signed in only when script can see a cookie named `…semaphore`: a login also sets the marker cookie `ui_semaphore=1` (no secret, readable by script; the session cookie stays `HttpOnly`), cleared on logout and when the session has ended. Off: a login sets exactly one cookie.",
  }),
  adminPassword: setting({
    key: 'admin_password', env: ['SEMAUTH_ADMIN_PASSWORD'], default: '', parse: text(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH), secret: true,
    doc: 'Password of the `admin` user created on first start when there are no users (12 to 1024 characters); random and printed once if empty.',
  }),
  logLevel: setting({
    key: 'log_level', env: ['SEMAUTH_LOG_LEVEL'], default: 'info' as 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const), doc: 'Log level (logs go to stdout).',
  }),
  logFormat: setting({
    key: 'log_format', env: ['SEMAUTH_LOG_FORMAT'], default: 'auto' as 'auto' | 'json' | 'pretty',
    parse: oneOf(['auto', 'json', 'pretty'] as const),
    doc: '`json`: one JSON object per line (pino), for log collectors. `pretty`: one readable line per event, for a person. `auto`: `pretty` when stdout is a terminal, else `json`.',
  }),
  metrics: setting({
    key: 'metrics', env: ['SEMAUTH_METRICS'], default: false, parse: bool,
    doc: 'Serve Prometheus metrics at `GET /metrics` (see docs/operations.md). Off by default.',
  }),
  metricsPort: setting({
    key: 'metrics_port', env: ['SEMAUTH_METRICS_PORT'], default: 0, parse: port,
    doc: 'With metrics on: serve `/metrics` on this port (same interface) instead of the API port, so it can stay private. `0`: on the API port.',
  }),
  shutdownTimeoutSeconds: setting({
    key: 'shutdown_timeout_seconds', env: ['SEMAUTH_SHUTDOWN_TIMEOUT_SECONDS'], default: 10, parse: int(0, 3600),
    doc: 'On SIGTERM/SIGINT, how long requests in flight may take to finish; then their connections are closed and the process exits.',
  }),
  bodyLimitBytes: setting({
    key: 'body_limit_bytes', env: ['SEMAUTH_BODY_LIMIT_BYTES'], default: 64 * 1024, parse: int(1024, 10 * 1024 * 1024),
    doc: 'Largest accepted request body; larger ones get `413`.',
  }),
  loginMaxFailuresPerAccountAddress: setting({
    key: 'login_max_failures_per_account_address', env: ['SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS'], default: 10,
    parse: int(1, 1_000_000), doc: 'Failed logins for one account from one client address within the window before `429`.',
  }),
  loginMaxFailuresPerAddress: setting({
    key: 'login_max_failures_per_address', env: ['SEMAUTH_LOGIN_MAX_FAILURES_PER_ADDRESS'], default: 100,
    parse: int(1, 1_000_000), doc: 'Failed logins from one client address (any accounts) within the window before `429`.',
  }),
  loginThrottleWindowSeconds: setting({
    key: 'login_throttle_window_seconds', env: ['SEMAUTH_LOGIN_THROTTLE_WINDOW_SECONDS'], default: 15 * 60,
    parse: int(1, 7 * 24 * 3600), doc: 'Length of the throttling window, and how long a throttled client waits.',
  }),
  argon2MemoryKiB: setting({
    key: 'argon2_memory_kib', env: ['SEMAUTH_ARGON2_MEMORY_KIB'], default: 19456, parse: int(8192, 1024 * 1024),
    doc: 'Argon2id memory per hash in KiB (OWASP: 19 MiB with t=2).',
  }),
  argon2TimeCost: setting({
    key: 'argon2_time_cost', env: ['SEMAUTH_ARGON2_TIME_COST'], default: 2, parse: int(1, 20), doc: 'Argon2id iterations.',
  }),
  auditRetentionDays: setting({
    key: 'audit_retention_days', env: ['SEMAUTH_AUDIT_RETENTION_DAYS'], default: 90, parse: int(1, 36500),
    doc: 'Audit log entries older than this are pruned (at start and then every maintenance interval).',
  }),
  maintenanceIntervalSeconds: setting({
    key: 'maintenance_interval_seconds', env: ['SEMAUTH_MAINTENANCE_INTERVAL_SECONDS'], default: 3600, parse: int(1, 86400),
    doc: 'How often the server prunes old audit entries, ended throttling windows and dead sessions.',
  }),
  hashingThreads: setting({
    key: 'hashing_threads', env: ['SEMAUTH_HASHING_THREADS'], default: 0, parse: int(0, 1024),
    doc: 'Password hashes computed at once. `0`: one per CPU core but one (at least 1), so that a storm of logins leaves the event loop a core. Also bounded by libuv\'s `UV_THREADPOOL_SIZE` (default 4).',
  }),
  authCacheEntries: setting({
    key: 'auth_cache_entries', env: ['SEMAUTH_AUTH_CACHE_ENTRIES'], default: 10_000, parse: int(0, 10_000_000),
    doc: 'API tokens, sessions and users kept in memory (each) so that authenticated requests skip the database. Revocation stays immediate everywhere: on SQLite every request is checked against other processes\' commits (`PRAGMA data_version`); on PostgreSQL every instance holds a lease, drops its cache when the database notifies a change, and a revocation answers only once every instance has dropped it. `0` turns it off (on PostgreSQL such an instance still waits, when it revokes, for the instances whose cache is on).',
  }),
  authCacheLeaseSeconds: setting({
    key: 'auth_cache_lease_seconds', env: ['SEMAUTH_AUTH_CACHE_LEASE_SECONDS'], default: 5, parse: int(2, 300),
    doc: 'PostgreSQL: how long an instance may serve from its auth cache without renewing its lease (renewed five times as often). Also the longest a revocation waits for an instance that stopped answering (hung, cut off) before it answers.',
  }),
  debugStats: setting({
    key: 'debug_stats', env: ['SEMAUTH_DEBUG_STATS'], default: false, parse: bool,
    doc: 'For benchmarks: print storage counters (database writes) as one `semauth-stats {…}` line on stderr when the server receives SIGUSR2. Never served over HTTP.',
  }),
  ldapEnable: setting({
    key: 'ldap_enable', env: ['SEMAPHORE_LDAP_ENABLE'], default: false, parse: bool,
    doc: 'LDAP sign-in: `POST /api/auth/login` also checks the login and password against the directory (after local passwords), creating an `external` user at the first sign-in.',
  }),
  ldapServer: setting({
    key: 'ldap_server', env: ['SEMAPHORE_LDAP_SERVER'], default: '', parse: ldapServer,
    doc: 'LDAP: the directory as `host:port` (port 389, or 636 with `ldap_needtls`, when left out).',
  }),
  ldapNeedTls: setting({
    key: 'ldap_needtls', env: ['SEMAPHORE_LDAP_NEEDTLS'], default: false, parse: bool,
    doc: 'LDAP: connect with LDAPS (TLS from the first byte). Certificates are verified.',
  }),
  ldapStartTls: setting({
    key: 'ldap_starttls', env: ['SEMAUTH_LDAP_STARTTLS'], default: false, parse: bool,
    doc: 'LDAP: connect in plain text, then upgrade with StartTLS before sending any password. Certificates are verified.',
  }),
  ldapCaFile: setting({
    key: 'ldap_ca_file', env: ['SEMAUTH_LDAP_CA_FILE'], default: '', parse: str,
    doc: 'LDAP: PEM file of the CA(s) that signed the directory\'s certificate, trusted instead of the system\'s CAs (for a private CA).',
  }),
  ldapTlsInsecure: setting({
    key: 'ldap_tls_insecure', env: ['SEMAUTH_LDAP_TLS_INSECURE'], default: false, parse: bool,
    doc: 'LDAP: do NOT verify the directory\'s certificate (what Semaphore always does). Anyone on the path can then read passwords; warned about at every start.',
  }),
  ldapBindDn: setting({
    key: 'ldap_binddn', env: ['SEMAPHORE_LDAP_BIND_DN'], default: '', parse: str,
    doc: 'LDAP: DN of the service account that searches for users; empty for an anonymous search.',
  }),
  ldapBindPassword: setting({
    key: 'ldap_bindpassword', env: ['SEMAPHORE_LDAP_BIND_PASSWORD'], default: '', parse: str, secret: true,
    doc: 'LDAP: password of the service account.',
  }),
  ldapSearchDn: setting({
    key: 'ldap_searchdn', env: ['SEMAPHORE_LDAP_SEARCH_DN'], default: '', parse: str,
    doc: 'LDAP: where users are searched (the whole subtree), e.g. `ou=people,dc=example,dc=org`.',
  }),
  ldapSearchFilter: setting({
    key: 'ldap_searchfilter', env: ['SEMAPHORE_LDAP_SEARCH_FILTER'], default: '(&(objectClass=inetOrgPerson)(uid=%s))', parse: ldapFilter,
    doc: 'LDAP: search filter; `%s` (or `%[1]s`) is the login, escaped as RFC 4515 requires so it is only ever compared literally.',
  }),
  ldapMappingDn: setting({
    key: 'ldap_mappings.dn', env: ['SEMAPHORE_LDAP_MAPPING_DN'], default: 'dn', parse: ldapMapping,
    doc: 'LDAP: accepted for Semaphore compatibility; as in Semaphore, the user binds with the DN of the entry found.',
  }),
  ldapMappingMail: setting({
    key: 'ldap_mappings.mail', env: ['SEMAPHORE_LDAP_MAPPING_MAIL'], default: 'mail', parse: ldapMapping,
    doc: 'LDAP: attribute holding the e-mail (alternatives with `|`, templates like `{{ .uid }}@example.org`).',
  }),
  ldapMappingUid: setting({
    key: 'ldap_mappings.uid', env: ['SEMAPHORE_LDAP_MAPPING_UID'], default: 'uid', parse: ldapMapping,
    doc: 'LDAP: attribute holding the login (lower-cased into the username, as Semaphore does).',
  }),
  ldapMappingCn: setting({
    key: 'ldap_mappings.cn', env: ['SEMAPHORE_LDAP_MAPPING_CN'], default: 'cn', parse: ldapMapping,
    doc: 'LDAP: attribute holding the display name.',
  }),
  ldapConnectTimeoutMs: setting({
    key: 'ldap_connect_timeout_ms', env: ['SEMAUTH_LDAP_CONNECT_TIMEOUT_MS'], default: 5000, parse: int(100, 120_000),
    doc: 'LDAP: milliseconds to establish the connection (TCP and TLS) before the login answers `503`.',
  }),
  ldapTimeoutMs: setting({
    key: 'ldap_timeout_ms', env: ['SEMAUTH_LDAP_TIMEOUT_MS'], default: 10_000, parse: int(100, 300_000),
    doc: 'LDAP: milliseconds each directory operation (bind, search, StartTLS) may take before the login answers `503`.',
  }),
  oidcProviders: setting({
    key: 'oidc_providers', env: [], default: [] as readonly OidcProviderConfig[], parse: parseOidcProviders, secret: true,
    doc: 'OIDC sign-in (config.json only): a map from provider id to `{display_name, provider_url, client_id | client_id_file, client_secret | client_secret_file, redirect_url, scopes, username_claim, name_claim, email_claim, color, icon, order}`, as in Semaphore. One button per provider on the sign-in page; the provider calls back at `<web root>/api/auth/oidc/<id>/redirect`. See the README\'s OIDC section.',
  }),
  oidcLinkLocal: setting({
    key: 'oidc_link_local', env: ['SEMAUTH_OIDC_LINK_LOCAL'], default: false, parse: bool,
    doc: 'OIDC: let a provider sign in a local (non-external) user whose e-mail it vouches for. Off: such a sign-in is refused (`error=oidc_conflict`) and only external users are signed in by OIDC.',
  }),
  oidcTimeoutSeconds: setting({
    key: 'oidc_timeout_seconds', env: ['SEMAUTH_OIDC_TIMEOUT_SECONDS'], default: 10, parse: int(1, 120),
    doc: 'OIDC: seconds each request to a provider (discovery, token, keys, userinfo) may take before the sign-in ends with `error=oidc_unavailable`.',
  }),
  oidcAllowHttp: setting({
    key: 'oidc_allow_http', env: ['SEMAUTH_OIDC_ALLOW_HTTP'], default: false, parse: bool,
    doc: 'OIDC, for tests and local development only: accept an `http://` provider_url on a loopback address (127.0.0.0/8, ::1, localhost). Remote providers must use https whatever this says. Warned about at every start.',
  }),
  totpEnabled: setting({
    key: 'mfa.totp.enabled', legacyKeys: ['auth.totp.enabled'], env: ['SEMAPHORE_TOTP_ENABLED'], default: false, parse: bool,
    doc: 'Two-factor sign-in with an authenticator app (TOTP, RFC 6238): users may turn it on for their account, and a password sign-in then asks for a code. Needs `SEMAUTH_SECRET_KEY` or `SEMAUTH_SECRET_KEY_FILE`. Older Semaphore releases spell the key `auth.totp.enabled`.',
  }),
  totpAllowRecovery: setting({
    key: 'mfa.totp.allow_recovery', legacyKeys: ['auth.totp.allow_recovery'], env: ['SEMAPHORE_TOTP_ALLOW_RECOVERY'], default: true, parse: bool,
    doc: 'TOTP: give each user ten single-use recovery codes when they turn TOTP on, each of which replaces a code once (`POST /api/auth/recovery`). semauth: on by default (Semaphore: off, with one code).',
  }),
  totpIssuer: setting({
    key: 'mfa.totp.app_name', env: ['SEMAPHORE_TOTP_ISSUER'], default: 'semauth', parse: text(1, 64),
    doc: 'TOTP: the issuer name authenticator apps show beside the login.',
  }),
  totpRequired: setting({
    key: 'totp_required', env: ['SEMAUTH_TOTP_REQUIRED'], default: 'off' as 'off' | 'admins' | 'all', parse: oneOf(['off', 'admins', 'all'] as const),
    doc: '`admins` or `all`: those users must turn TOTP on — until they have, their password sign-ins may only set it up (and read `GET /api/user`, sign out); every other route answers `403` `TOTP_ENROLMENT_REQUIRED`. OIDC sign-ins (the provider\'s MFA) and API tokens are not held back. Needs `SEMAPHORE_TOTP_ENABLED`.',
  }),
  secretKey: setting({
    key: 'secret_key', env: ['SEMAUTH_SECRET_KEY'], default: '', parse: key256(decodeKey), secret: true,
    doc: 'The key that encrypts TOTP secrets in the database (AES-256-GCM): 32 random bytes in base64 or hex (`openssl rand -base64 32`). The same on every instance; keep it out of the database\'s backups. Changing it makes every TOTP enrolment unusable.',
  }),
  secretKeyFile: setting({
    key: 'secret_key_file', env: ['SEMAUTH_SECRET_KEY_FILE'], default: '', parse: str,
    doc: 'A file holding `SEMAUTH_SECRET_KEY` (e.g. a Docker or systemd credential), read when the server starts.',
  }),
  ignoredKeys: setting({
    key: 'semauth_ignored_keys', env: [], default: [] as string[], parse: list,
    doc: 'Extra config.json keys to ignore (for a config file shared with other tools).',
  }),
} as const;

export type Settings = typeof settings;
export type Config = { readonly [K in keyof Settings]: Settings[K]['default'] };
