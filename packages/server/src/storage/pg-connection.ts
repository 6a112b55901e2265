/** Turns Semaphore-style PostgreSQL settings (or a URL) into a `pg` pool config. */
import type { PoolConfig } from 'pg';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../config/parsers.js';

export function pgConnectionConfig(c: Config): PoolConfig {
  const sslmode = c.pgOptions.sslmode;
  const ssl = sslModeToSsl(sslmode);
  if (c.pgUrl) return { connectionString: c.pgUrl, ...(ssl !== undefined ? { ssl } : {}) };
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(c.pgHost.trim());
  if (!m) throw new ConfigError(`SEMAPHORE_DB_HOST must be host or host:port, got ${JSON.stringify(c.pgHost)}`);
  const options = Object.entries(c.pgOptions).filter(([k]) => k !== 'sslmode');
  return {
    host: m[1]!.replace(/^\[|\]$/g, ''),
    port: m[2] ? Number(m[2]) : c.pgPort,
    user: c.pgUser,
    password: c.pgPassword,
    database: c.pgDatabase,
    ...(ssl !== undefined ? { ssl } : {}),
    ...(options.length ? { options: options.map(([k, v]) => `-c ${k}=${v}`).join(' ') } : {}),
  };
}

function sslModeToSsl(mode: string | undefined): PoolConfig['ssl'] | undefined {
  switch (mode) {
    case undefined:
      return undefined;
    case 'disable':
      return false;
    case 'allow':
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      throw new ConfigError(`SEMAPHORE_DB_OPTIONS: unknown sslmode ${JSON.stringify(mode)}`);
  }
}
