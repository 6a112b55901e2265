/**
 * Builds the validated, frozen Config from config.json (optional) and the
 * environment. Environment variables win over the file, as in Semaphore.
 * Anything invalid throws a ConfigError whose message names the setting.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { parseServerAddress } from '../auth-methods/ldap/server-address.js';
import { checkIssuerTransport } from '../auth-methods/oidc/config.js';
import { locateConfigFile, type ConfigLocation } from './locate.js';
import { ConfigError } from './parsers.js';
import { settings, type Config, type Setting, type Settings } from './schema.js';

/**
 * Keys of Semaphore's own config.json that semauth does not use. They are
 * accepted silently so an existing Semaphore config file can be reused;
 * any other unknown key stops the start (it is most likely a typo).
 */
const SEMAPHORE_KEYS_IGNORED = new Set([
  'mysql', 'bolt', 'sqlite', 'postgres', 'tmp_path', 'git_client', 'ssh_config_path', 'cookie_hash', 'cookie_encryption',
  'access_key_encryption', 'tls', 'email_sender', 'email_host', 'email_port', 'email_secure', 'email_username',
  'email_password', 'email_alert', 'email_tls', 'telegram_alert', 'telegram_chat', 'telegram_token', 'slack_alert',
  'slack_url', 'microsoft_teams_alert', 'microsoft_teams_url', 'rocketchat_alert', 'rocketchat_url',
  'max_parallel_tasks', 'max_task_duration_sec', 'max_tasks_per_template',
  'env_vars', 'forwarded_env_vars', 'apps', 'use_remote_runner', 'runner_registration_token', 'runner', 'schedule',
  'concurrency_mode', 'web_root', 'playbook_path', 'non_auth', 'dingtalk_alert', 'dingtalk_url', 'gotify_alert',
  'gotify_url', 'gotify_token', 'alert', 'password_login_disabled', 'ha', 'debugging', 'log', 'process',
  'subscription', 'syslog', 'teams', 'dialect_options', 'global_integration_alias',
]);

/**
 * Semaphore's sign-in settings that semauth accepts but does not act on yet
 * (config.json key → its environment variables). Set to anything but an
 * empty or false value, they earn one warning at start, since a Semaphore
 * user would expect them to work. The work that implements one removes it
 * from here (and adds it to the schema). LDAP's keys left when LDAP sign-in came.
 */
export const NOT_YET_ACTED_ON: Readonly<Record<string, readonly string[]>> = {
  // Semaphore's one-time codes by e-mail; its TOTP keys (mfa.totp.*, auth.totp.*) are acted on.
  'mfa.email': [],
  'auth.email': [],
  totp: [],
};

/** Keys of Semaphore's database objects (`sqlite`, `postgres`): `host`, `user`, `pass`, `name`, `options`. */
const SEMAPHORE_DB_KEYS = ['host', 'user', 'pass', 'name', 'options'];
const SEMAPHORE_DB_OBJECTS = new Set(['sqlite', 'postgres']);

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** Path of a config.json (`--config`); else $SEMAPHORE_CONFIG_PATH or $SEMAUTH_CONFIG when set. */
  configFile?: string;
  /** Also look for ./config.json and Semaphore's system paths (config/locate.ts). */
  search?: boolean;
}

/** What loading learnt beyond the values: where each came from, and what was set in vain. */
interface Provenance {
  /** Setting name → the variable or `config key "…"` that gave its value (absent: the default). */
  sources: Record<string, string>;
  /** Sign-in settings of NOT_YET_ACTED_ON that were set. */
  notActedOn: string[];
}

const provenance = new WeakMap<Config, Provenance>();

export function loadConfig(opts: LoadOptions = {}): Config {
  return loadConfigWithSource(opts).config;
}

/** The config and the file it was read from (null: environment and defaults only). */
export function loadConfigWithSource(opts: LoadOptions = {}): { config: Config; file: ConfigLocation | null } {
  const env = opts.env ?? process.env;
  const location = locateConfigFile({ flag: opts.configFile, env, search: opts.search ?? false });
  return { config: buildConfig(env, location?.path), file: location };
}

function buildConfig(env: Record<string, string | undefined>, file: string | undefined): Config {
  const json = file ? readConfigFile(file) : {};
  const out: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [name, s] of Object.entries(settings) as [string, Setting<unknown>][]) {
    const found = resolve(s, env, json);
    out[name] = found.value;
    if (found.source !== undefined) sources[name] = found.source;
  }
  if (file) checkKeys(file, json, new Set(out.ignoredKeys as string[]));
  // Semaphore's file key for the password switch is `password_login_disable`;
  // its docs also spell it `password_login_disabled`. Honour both.
  if (json.password_login_disabled !== undefined && !envValue(settings.passwordLoginDisabled, env)) {
    sources.passwordLoginDisabled = 'config key "password_login_disabled"';
    out.passwordLoginDisabled = settings.passwordLoginDisabled.parse(json.password_login_disabled, sources.passwordLoginDisabled);
  }
  const config = out as unknown as Config;
  provenance.set(config, { sources, notActedOn: notActedOn(env, json) });
  crossCheck(config);
  return Object.freeze(config);
}

/**
 * How to name a setting in a message about its value: the environment
 * variable or the config.json key it was read from — or, for a default,
 * both spellings.
 */
export function settingName(config: Config, name: keyof Settings): string {
  const source = provenance.get(config)?.sources[name];
  if (source !== undefined) return source;
  const s: Setting<unknown> = settings[name];
  return s.env.length > 0 ? `${s.env.join(' / ')} (config key "${s.key}")` : `config key "${s.key}"`;
}

/** Whether a value would switch something on: not empty, not false, not an object of such values. */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (typeof value === 'string') return !['0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
  if (Array.isArray(value)) return value.some(isSet);
  if (typeof value === 'object') return Object.values(value).some(isSet);
  return value !== 0;
}

function notActedOn(env: Record<string, string | undefined>, json: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const [key, vars] of Object.entries(NOT_YET_ACTED_ON)) {
    if (isSet(getPath(json, key))) found.push(key);
    for (const name of vars) if (isSet(env[name])) found.push(name);
  }
  return found;
}

/**
 * Any key the schema does not know stops the start: it is most likely a
 * typo. Keys nest (`postgres.host`, `mfa.totp.enabled`); Semaphore's keys
 * that semauth does not use are let through (SEMAPHORE_KEYS_IGNORED,
 * NOT_YET_ACTED_ON, whose keys may be dotted too).
 */
function checkKeys(file: string, json: Record<string, unknown>, ignored: Set<string>): void {
  const known = new Set<string>();
  for (const s of Object.values(settings) as Setting<unknown>[]) for (const key of [s.key, ...(s.legacyKeys ?? [])]) known.add(key);
  for (const top of SEMAPHORE_DB_OBJECTS) for (const k of SEMAPHORE_DB_KEYS) known.add(`${top}.${k}`);
  const hint = '(see docs/configuration.md)';
  const isParent = (path: string) => [...known].some((k) => k.startsWith(`${path}.`));
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (known.has(path) || path in NOT_YET_ACTED_ON) continue;
      const parent = isParent(path);
      if (!parent && prefix === '' && (SEMAPHORE_KEYS_IGNORED.has(key) || ignored.has(key))) continue;
      if (!parent) throw new ConfigError(`config file ${file}: unknown key "${path}" ${hint}`);
      if (value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value)) {
        const example = [...known].find((k) => k.startsWith(`${path}.`))!.slice(path.length + 1).split('.')[0];
        throw new ConfigError(`config file ${file}: config key "${path}" must be an object like {"${example}": …}`);
      }
      walk(value as Record<string, unknown>, path);
    }
  };
  walk(json, '');
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`config file ${file} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

function envValue(s: Setting<unknown>, env: Record<string, string | undefined>): [string, string] | undefined {
  for (const name of s.env) {
    const v = env[name];
    if (v !== undefined && v !== '') return [name, v];
  }
  return undefined;
}

function resolve(
  s: Setting<unknown>,
  env: Record<string, string | undefined>,
  json: Record<string, unknown>,
): { value: unknown; source?: string } {
  const fromEnv = envValue(s, env);
  if (fromEnv) return { value: s.parse(fromEnv[1], fromEnv[0]), source: fromEnv[0] };
  // An empty string counts as unset, as in the environment: Semaphore writes
  // `"interface": ""` for "every interface", which must not open semauth up.
  for (const key of [s.key, ...(s.legacyKeys ?? [])]) {
    const fromFile = getPath(json, key);
    if (fromFile !== undefined && fromFile !== null && fromFile !== '') {
      const source = `config key "${key}"`;
      return { value: s.parse(fromFile, source), source };
    }
  }
  return { value: s.default };
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function crossCheck(c: Config): void {
  if (c.sessionIdleHours > c.sessionMaxLifeHours) {
    throw new ConfigError(
      `${settingName(c, 'sessionIdleHours')} (${c.sessionIdleHours}) must not exceed ` +
        `${settingName(c, 'sessionMaxLifeHours')} (${c.sessionMaxLifeHours})`,
    );
  }
  if (c.metrics && c.metricsPort !== 0 && c.metricsPort === c.port) {
    throw new ConfigError(
      `${settingName(c, 'metricsPort')} (${c.metricsPort}) must differ from ${settingName(c, 'port')}, or be 0 to serve /metrics on the API port`,
    );
  }
  if (c.dialect === 'sqlite' && c.sqlitePath.trim() === '') {
    throw new ConfigError(`${settingName(c, 'sqlitePath')} (the SQLite file path) must not be empty`);
  }
  if (c.ldapEnable) crossCheckLdap(c);
  crossCheckTotp(c);
  checkIssuerTransport(c.oidcProviders, c.oidcAllowHttp);
}

/** TOTP needs its key; the policy needs TOTP. */
function crossCheckTotp(c: Config): void {
  if (c.secretKey !== '' && c.secretKeyFile !== '') {
    throw new ConfigError(`${settingName(c, 'secretKey')} and ${settingName(c, 'secretKeyFile')} exclude each other: set one`);
  }
  if (c.totpRequired !== 'off' && !c.totpEnabled) {
    throw new ConfigError(`${settingName(c, 'totpRequired')} (${c.totpRequired}) needs two-factor sign-in on: set ${settingName(c, 'totpEnabled')}`);
  }
  if (c.totpEnabled && c.secretKey === '' && c.secretKeyFile === '') {
    throw new ConfigError(
      `${settingName(c, 'totpEnabled')} is on: set SEMAUTH_SECRET_KEY or SEMAUTH_SECRET_KEY_FILE (32 random bytes, e.g. \`openssl rand -base64 32\`), the key that encrypts TOTP secrets in the database`,
    );
  }
}

/** LDAP settings that only make sense together; checked when LDAP is on. */
function crossCheckLdap(c: Config): void {
  const enabled = 'with SEMAPHORE_LDAP_ENABLE / ldap_enable on,';
  if (c.ldapServer === '') throw new ConfigError(`${enabled} SEMAPHORE_LDAP_SERVER / ldap_server must name the directory (host:port)`);
  if (c.ldapSearchDn.trim() === '') throw new ConfigError(`${enabled} SEMAPHORE_LDAP_SEARCH_DN / ldap_searchdn must name where users are searched`);
  if (c.ldapBindDn !== '' && c.ldapBindPassword === '') {
    // A DN with an empty password is an "unauthenticated bind": anonymous at best, refused at worst.
    throw new ConfigError(`${enabled} SEMAPHORE_LDAP_BIND_PASSWORD / ldap_bindpassword must be set when ldap_binddn is`);
  }
  if (c.ldapNeedTls && c.ldapStartTls) {
    throw new ConfigError('SEMAPHORE_LDAP_NEEDTLS (LDAPS) and SEMAUTH_LDAP_STARTTLS exclude each other: choose one');
  }
  if (c.ldapCaFile !== '') {
    try {
      accessSync(c.ldapCaFile, constants.R_OK);
    } catch (e) {
      throw new ConfigError(`SEMAUTH_LDAP_CA_FILE / ldap_ca_file ${c.ldapCaFile} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
}

/** Weak or development-only settings the operator should hear about at start. */
export function configWarnings(c: Config): string[] {
  const w: string[] = [];
  if (c.interface !== '127.0.0.1' && c.interface !== '::1' && c.interface !== 'localhost' && c.cookieSecure !== 'always' && !c.trustProxy) {
    w.push(`listening on ${c.interface} over plain HTTP: put TLS in front and set SEMAUTH_TRUST_PROXY=true or SEMAUTH_COOKIE_SECURE=always`);
  }
  if (c.cookieSecure === 'never') w.push('SEMAUTH_COOKIE_SECURE=never: session cookies are sent over plain HTTP');
  if (!c.metrics && c.metricsPort !== 0) w.push('SEMAUTH_METRICS_PORT is set but SEMAUTH_METRICS is not true: no metrics are served');
  if (c.ldapEnable && c.ldapTlsInsecure && (c.ldapNeedTls || c.ldapStartTls)) {
    w.push('SEMAUTH_LDAP_TLS_INSECURE=true: the LDAP server\'s certificate is NOT verified — anyone on the network path can impersonate the directory and read every LDAP password');
  }
  if (c.ldapEnable && !c.ldapNeedTls && !c.ldapStartTls && !isLoopbackHost(c.ldapServer)) {
    w.push(`LDAP passwords go to ${c.ldapServer} in clear text: set SEMAPHORE_LDAP_NEEDTLS=true (LDAPS) or SEMAUTH_LDAP_STARTTLS=true`);
  }
  if (c.oidcAllowHttp) {
    w.push('SEMAUTH_OIDC_ALLOW_HTTP=true: OIDC providers on loopback addresses may be reached over plain HTTP — for tests and local development only');
  }
  const unused = provenance.get(c)?.notActedOn ?? [];
  if (unused.length > 0) {
    w.push(`these Semaphore sign-in settings are not supported by semauth yet and have no effect: ${unused.join(', ')}`);
  }
  if (c.trustProxy) w.push(`SEMAUTH_TRUST_PROXY=${c.trustProxy}: client addresses come from X-Forwarded-For; only safe behind ${c.trustProxy === 1 ? 'a proxy that sets it' : 'proxies that set it'}`);
  return w;
}

function isLoopbackHost(server: string): boolean {
  const { host } = parseServerAddress(server);
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
