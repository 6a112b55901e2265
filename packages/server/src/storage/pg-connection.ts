/**
 * Turns Semaphore-style PostgreSQL settings (or a URL) into a `pg` pool
 * config. Options follow libpq's meaning (what Semaphore's users write in
 * `SEMAPHORE_DB_OPTIONS` and what `psql` accepts in a URL), not the `pg`
 * driver's own variants: e.g. `sslmode=require` encrypts without verifying
 * the certificate, as in libpq, where `pg` would silently verify it.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { PoolConfig } from 'pg';
import type { Config } from '../config/schema.js';
import { settingName } from '../config/load.js';
import { ConfigError } from '../config/parsers.js';

/** libpq's connection-level options; any other option is a server setting sent as `-c key=value`. */
const CLIENT_OPTIONS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout', 'application_name']);

/** Without connect_timeout a blackholed database host would hang requests forever instead of answering 503. */
const DEFAULT_CONNECT_TIMEOUT_S = 5;

export type PgConnectionConfig = Pick<
  PoolConfig,
  'connectionString' | 'host' | 'port' | 'user' | 'password' | 'database' | 'ssl' | 'options' | 'application_name' | 'connectionTimeoutMillis'
>;

export function pgConnectionConfig(c: Config): PgConnectionConfig {
  if (c.pgUrl) return fromUrl(c.pgUrl, c.pgOptions, settingName(c, 'pgUrl'));
  const { host, port } = parseHost(c.pgHost, c.pgPort, settingName(c, 'pgHost'));
  const serverSettings = Object.entries(c.pgOptions).filter(([k]) => !CLIENT_OPTIONS.has(k));
  return {
    host,
    port,
    user: c.pgUser,
    password: c.pgPassword,
    database: c.pgDatabase,
    ...clientOptions(c.pgOptions, settingName(c, 'pgOptions')),
    ...(serverSettings.length ? { options: serverSettings.map(([k, v]) => `-c ${k}=${escapeOption(v)}`).join(' ') } : {}),
  };
}

/**
 * `SEMAPHORE_DB_HOST` is `host` or `host:port`; an IPv6 address needs
 * brackets to carry a port (`[::1]:5432`); a path is a Unix socket directory.
 */
export function parseHost(value: string, defaultPort: number, name = 'SEMAPHORE_DB_HOST'): { host: string; port: number } {
  const text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  const bareV6 = /^[0-9a-fA-F:.]+$/.test(text) && text.split(':').length > 2 ? [text, text, undefined] : null;
  const m = bracketed ?? plain ?? bareV6;
  if (!m || m[1] === '') throw new ConfigError(`${name} must be host or host:port, got ${JSON.stringify(value)}`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`${name}: bad port in ${JSON.stringify(value)}`);
  return { host: m[1]!, port };
}

/** A URL's own query options win over SEMAPHORE_DB_OPTIONS; the libpq ones are applied here, the rest left to `pg`. */
function fromUrl(text: string, fileOptions: Record<string, string>, name: string): PgConnectionConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${name} must be a URL like postgres://user:pass@host:5432/db`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must start with postgres:// or postgresql://`);
  }
  const options = { ...fileOptions };
  for (const key of [...CLIENT_OPTIONS, 'uselibpqcompat']) {
    const v = url.searchParams.get(key);
    if (v !== null) options[key] = v;
    url.searchParams.delete(key);
  }
  return { connectionString: url.toString(), ...clientOptions(options, name) };
}

function clientOptions(o: Record<string, string>, source: string): PgConnectionConfig {
  const out: PgConnectionConfig = {};
  const ssl = sslConfig(o, source);
  if (ssl !== undefined) out.ssl = ssl;
  const timeout = o.connect_timeout === undefined ? DEFAULT_CONNECT_TIMEOUT_S : Number(o.connect_timeout);
  if (!Number.isFinite(timeout) || timeout < 0) throw new ConfigError(`${source}: connect_timeout must be a number of seconds`);
  // libpq: 0 means wait forever; so does `pg`'s 0.
  out.connectionTimeoutMillis = Math.round(timeout * 1000);
  out.application_name = o.application_name ?? 'semauth';
  return out;
}

/** libpq's sslmode (https://www.postgresql.org/docs/15/libpq-ssl.html) as Node TLS options. */
function sslConfig(o: Record<string, string>, source: string): PoolConfig['ssl'] | undefined {
  const files: ConnectionOptions = {};
  try {
    if (o.sslrootcert) files.ca = readFileSync(o.sslrootcert, 'utf8');
    if (o.sslcert) files.cert = readFileSync(o.sslcert, 'utf8');
    if (o.sslkey) files.key = readFileSync(o.sslkey, 'utf8');
  } catch (e) {
    throw new ConfigError(`${source}: cannot read an SSL file: ${(e as Error).message}`);
  }
  switch (o.sslmode) {
    case undefined:
      // No sslmode: plain text as `pg` does by default — unless certificate
      // files were given, which only make sense with TLS: then verify fully.
      return Object.keys(files).length ? { ...files, rejectUnauthorized: true } : undefined;
    case 'disable':
    // `pg` cannot fall back from TLS to plain text as libpq's allow/prefer
    // do; it connects in plain text, as `pg` does by default.
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      // libpq: with a root certificate, require behaves as verify-ca.
      return files.ca ? { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { ...files, rejectUnauthorized: false };
    case 'verify-ca':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...files, rejectUnauthorized: true };
    default:
      throw new ConfigError(`${source}: unknown sslmode ${JSON.stringify(o.sslmode)} (disable, allow, prefer, require, verify-ca, verify-full)`);
  }
}

/** libpq splits `options` on spaces; a backslash keeps one literal. */
function escapeOption(v: string): string {
  return v.replace(/[\\ ]/g, (ch) => `\\${ch}`);
}
