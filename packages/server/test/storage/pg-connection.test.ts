/**
 * How Semaphore-style PostgreSQL settings become a `pg` connection config.
 * Pure functions, no database: the same in both passes. (Connecting with
 * them for real is in test/postgres/settings.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/parsers.js';
import { parseHost, pgConnectionConfig } from '../../src/storage/pg-connection.js';

const pgEnv = (env: Record<string, string>) => loadConfig({ env: { SEMAPHORE_DB_DIALECT: 'postgres', ...env } });

describe('SEMAPHORE_DB_HOST', () => {
  it.each([
    ['db.example.org', { host: 'db.example.org', port: 5432 }],
    ['db.example.org:6543', { host: 'db.example.org', port: 6543 }],
    [' 10.0.0.7:5433 ', { host: '10.0.0.7', port: 5433 }],
    ['[::1]:5433', { host: '::1', port: 5433 }],
    ['[fe80::1]', { host: 'fe80::1', port: 5432 }],
    ['::1', { host: '::1', port: 5432 }],
    ['/var/run/postgresql', { host: '/var/run/postgresql', port: 5432 }],
  ])('%s', (value, expected) => {
    expect(parseHost(value, 5432)).toEqual(expected);
  });

  it.each(['', 'db:', 'db:port', 'db:70000', '[::1', 'a b:1:2'])('refuses %j, naming the setting', (value) => {
    expect(() => parseHost(value, 5432)).toThrow(/SEMAPHORE_DB_HOST/);
  });

  it('takes the port from SEMAPHORE_DB_PORT when the host has none', () => {
    expect(pgConnectionConfig(pgEnv({ SEMAPHORE_DB_HOST: 'db', SEMAPHORE_DB_PORT: '6000' }))).toMatchObject({ host: 'db', port: 6000 });
    expect(pgConnectionConfig(pgEnv({ SEMAPHORE_DB_HOST: 'db:7000', SEMAPHORE_DB_PORT: '6000' }))).toMatchObject({ port: 7000 });
  });
});

describe('separate settings', () => {
  it('maps user, password, database, and defaults the rest', () => {
    const c = pgConnectionConfig(pgEnv({ SEMAPHORE_DB_HOST: 'h:1', SEMAPHORE_DB_USER: 'u', SEMAPHORE_DB_PASS: 'p w', SEMAPHORE_DB: 'd' }));
    expect(c).toEqual({ host: 'h', port: 1, user: 'u', password: 'p w', database: 'd', application_name: 'semauth', connectionTimeoutMillis: 5000 });
  });

  it('reads the same keys from config.json as Semaphore does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'semauth-cfg-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        dialect: 'postgres',
        postgres: { host: 'pg.internal:5444', user: 'sem', pass: 'secret', name: 'semaphore', options: { sslmode: 'disable' } },
        db_pool_size: 3,
      }),
    );
    const config = loadConfig({ env: {}, configFile: file });
    expect(config.dbPoolSize).toBe(3);
    expect(pgConnectionConfig(config)).toMatchObject({
      host: 'pg.internal', port: 5444, user: 'sem', password: 'secret', database: 'semaphore', ssl: false,
    });
  });
});

describe('SEMAPHORE_DB_OPTIONS', () => {
  it('accepts a query string or JSON', () => {
    const a = pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: 'sslmode=disable&search_path=auth' }));
    const b = pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: '{"sslmode":"disable","search_path":"auth"}' }));
    expect(a).toEqual(b);
    expect(a).toMatchObject({ ssl: false, options: '-c search_path=auth' });
  });

  it('applies libpq client options and sends the rest as server settings, escaped', () => {
    const c = pgConnectionConfig(
      pgEnv({ SEMAPHORE_DB_OPTIONS: JSON.stringify({ application_name: 'auth-1', connect_timeout: '2', statement_timeout: '5s', search_path: 'a b\\c' }) }),
    );
    expect(c).toMatchObject({ application_name: 'auth-1', connectionTimeoutMillis: 2000, options: '-c statement_timeout=5s -c search_path=a\\ b\\\\c' });
  });

  it.each([
    ['disable', false],
    ['allow', false],
    ['prefer', false],
    ['require', { rejectUnauthorized: false }],
    ['verify-full', { rejectUnauthorized: true }],
  ])('sslmode=%s as in libpq', (mode, ssl) => {
    expect(pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: `sslmode=${mode}` })).ssl).toEqual(ssl);
  });

  it('sslmode=verify-ca checks the chain but not the host name', () => {
    const ssl = pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: 'sslmode=verify-ca' })).ssl as { rejectUnauthorized: boolean; checkServerIdentity: unknown };
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(ssl.checkServerIdentity).toBeTypeOf('function');
  });

  it('reads sslrootcert from its file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'semauth-ca-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    const ssl = pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: `sslmode=verify-full&sslrootcert=${join(dir, 'ca.pem')}` })).ssl;
    expect(ssl).toEqual({ ca: 'CA PEM', rejectUnauthorized: true });
  });

  it('refuses an unknown sslmode, a bad timeout, or an unreadable certificate, naming the setting', () => {
    expect(() => pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: 'sslmode=maybe' }))).toThrow(ConfigError);
    expect(() => pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: 'sslmode=maybe' }))).toThrow(/SEMAPHORE_DB_OPTIONS/);
    expect(() => pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: 'connect_timeout=soon' }))).toThrow(/connect_timeout/);
    expect(() => pgConnectionConfig(pgEnv({ SEMAPHORE_DB_OPTIONS: 'sslrootcert=/nonexistent/ca.pem' }))).toThrow(/SSL file/);
  });
});

describe('SEMAUTH_DB_URL', () => {
  it('passes the URL to pg, with libpq options taken out and applied as libpq would', () => {
    const c = pgConnectionConfig(pgEnv({ SEMAUTH_DB_URL: 'postgres://u:p%40ss@db:5433/auth?sslmode=require&application_name=x&options=-c%20search_path%3Dauth' }));
    expect(c.ssl).toEqual({ rejectUnauthorized: false });
    expect(c.application_name).toBe('x');
    expect(new URL(c.connectionString!).searchParams.get('sslmode')).toBeNull();
    expect(new URL(c.connectionString!).searchParams.get('options')).toBe('-c search_path=auth');
    expect(c.connectionString).toContain('u:p%40ss@db:5433/auth');
  });

  it('wins over the separate settings; SEMAPHORE_DB_OPTIONS still applies where the URL is silent', () => {
    const c = pgConnectionConfig(pgEnv({ DATABASE_URL: 'postgresql://u@db/auth', SEMAPHORE_DB_HOST: 'other', SEMAPHORE_DB_OPTIONS: 'sslmode=disable' }));
    expect(c).toMatchObject({ connectionString: 'postgresql://u@db/auth', ssl: false });
    expect(c.host).toBeUndefined();
  });

  it('refuses what is not a postgres URL', () => {
    expect(() => pgConnectionConfig(pgEnv({ SEMAUTH_DB_URL: 'mysql://u@db/auth' }))).toThrow(/SEMAUTH_DB_URL/);
    expect(() => pgConnectionConfig(pgEnv({ SEMAUTH_DB_URL: 'not a url' }))).toThrow(/SEMAUTH_DB_URL/);
  });
});
