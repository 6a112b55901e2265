/**
 * Builds the validated, frozen Config from config.json (optional) and the
 * environment. Environment variables win over the file, as in Semaphore.
 * Anything invalid throws a ConfigError whose message names the setting.
 */
import { readFileSync } from 'node:fs';
import { locateConfigFile, type ConfigLocation } from './locate.js';
import { ConfigError } from './parsers.js';
import { settings, type Config, type Setting } from './schema.js';

/**
 * Keys of Semaphore's own config.json that semauth does not use. They are
 * accepted silently so an existing Semaphore config file can be reused;
 * any other unknown key stops the start (it is most likely a typo).
 */
const SEMAPHORE_KEYS_IGNORED = new Set([
  'mysql', 'bolt', 'sqlite', 'postgres', 'tmp_path', 'git_client', 'ssh_config_path', 'cookie_hash', 'cookie_encryption',
  'access_key_encryption', 'tls', 'email_sender', 'email_host', 'email_port', 'email_secure', 'email_username',
  'email_password', 'email_alert', 'email_tls', 'telegram_alert', 'telegram_chat', 'telegram_token', 'slack_alert',
  'slack_url', 'microsoft_teams_alert', 'microsoft_teams_url', 'rocketchat_alert', 'rocketchat_url', 'ldap_enable',
  'ldap_needtls', 'ldap_binddn', 'ldap_bindpassword', 'ldap_server', 'ldap_searchdn', 'ldap_searchfilter',
  'ldap_mappings', 'max_parallel_tasks', 'max_task_duration_sec', 'max_tasks_per_template', 'oidc_providers',
  'env_vars', 'forwarded_env_vars', 'apps', 'use_remote_runner', 'runner_registration_token', 'runner', 'schedule',
  'concurrency_mode', 'web_root', 'playbook_path', 'non_auth', 'dingtalk_alert', 'dingtalk_url', 'gotify_alert',
  'gotify_url', 'gotify_token', 'alert', 'password_login_disabled', 'ha', 'debugging', 'log', 'process', 'auth',
  'totp', 'subscription', 'syslog', 'teams', 'dialect_options', 'global_integration_alias',
]);

/** Keys of Semaphore's database objects (`sqlite`, `postgres`, …): `host`, `user`, `pass`, `name`, `options`. */
const SEMAPHORE_DB_KEYS = ['host', 'user', 'pass', 'name', 'options'];

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** Path of a config.json (`--config`); else $SEMAPHORE_CONFIG_PATH or $SEMAUTH_CONFIG when set. */
  configFile?: string;
  /** Also look for ./config.json and Semaphore's system paths (config/locate.ts). */
  search?: boolean;
}

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
  for (const [name, s] of Object.entries(settings) as [string, Setting<unknown>][]) {
    out[name] = resolve(s, env, json);
  }
  if (file) checkKeys(file, json, new Set(out.ignoredKeys as string[]));
  // Semaphore's file key for the password switch is `password_login_disable`;
  // its docs also spell it `password_login_disabled`. Honour both.
  if (json.password_login_disabled !== undefined && !envValue(settings.passwordLoginDisabled, env)) {
    out.passwordLoginDisabled = settings.passwordLoginDisabled.parse(json.password_login_disabled, 'config key "password_login_disabled"');
  }
  const config = out as unknown as Config;
  crossCheck(config);
  return Object.freeze(config);
}

/** Any key the schema does not know stops the start: it is most likely a typo. */
function checkKeys(file: string, json: Record<string, unknown>, ignored: Set<string>): void {
  const known = new Map<string, Set<string>>();
  for (const s of Object.values(settings) as Setting<unknown>[]) {
    const [top, ...rest] = s.key.split('.');
    if (!known.has(top!)) known.set(top!, new Set(rest.length > 0 ? SEMAPHORE_DB_KEYS : []));
    if (rest.length > 0) known.get(top!)!.add(rest.join('.'));
  }
  const hint = '(see docs/configuration.md)';
  for (const [key, value] of Object.entries(json)) {
    const sub = known.get(key);
    if (sub === undefined) {
      if (SEMAPHORE_KEYS_IGNORED.has(key) || ignored.has(key)) continue;
      throw new ConfigError(`config file ${file}: unknown key "${key}" ${hint}`);
    }
    if (sub.size === 0 || value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError(`config file ${file}: config key "${key}" must be an object like {"host": …}`);
    }
    for (const inner of Object.keys(value)) {
      if (!sub.has(inner)) throw new ConfigError(`config file ${file}: unknown key "${key}.${inner}" ${hint}`);
    }
  }
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

function resolve(s: Setting<unknown>, env: Record<string, string | undefined>, json: Record<string, unknown>): unknown {
  const fromEnv = envValue(s, env);
  if (fromEnv) return s.parse(fromEnv[1], fromEnv[0]);
  // An empty string counts as unset, as in the environment: Semaphore writes
  // `"interface": ""` for "every interface", which must not open semauth up.
  const fromFile = getPath(json, s.key);
  if (fromFile !== undefined && fromFile !== null && fromFile !== '') return s.parse(fromFile, `config key "${s.key}"`);
  return s.default;
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
      `SEMAUTH_SESSION_IDLE_HOURS / session_idle_hours (${c.sessionIdleHours}) must not exceed ` +
        `SEMAUTH_MAX_SESSION_LIFE_HOURS / max_session_life_hours (${c.sessionMaxLifeHours})`,
    );
  }
  if (c.metrics && c.metricsPort !== 0 && c.metricsPort === c.port) {
    throw new ConfigError(`SEMAUTH_METRICS_PORT / metrics_port (${c.metricsPort}) must differ from SEMAPHORE_PORT / port, or be 0 to serve /metrics on the API port`);
  }
  if (c.dialect === 'sqlite' && c.sqlitePath.trim() === '') {
    throw new ConfigError('SEMAPHORE_DB_HOST (the SQLite file path) must not be empty');
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
  if (c.trustProxy) w.push(`SEMAUTH_TRUST_PROXY=${c.trustProxy}: client addresses come from X-Forwarded-For; only safe behind ${c.trustProxy === 1 ? 'a proxy that sets it' : 'proxies that set it'}`);
  return w;
}
