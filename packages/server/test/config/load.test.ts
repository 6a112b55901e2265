/** loadConfig({env, configFile}): defaults, Semaphore's names, precedence and errors naming the setting. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configWarnings, loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/parsers.js';
import { pgConnectionConfig } from '../../src/storage/pg-connection.js';
import { tempDir } from '../support/database.js';

function configFile(content: unknown): string {
  const file = join(tempDir('semauth-config-'), 'config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function loadError(opts: Parameters<typeof loadConfig>[0]): ConfigError {
  try {
    loadConfig(opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('loadConfig did not fail');
}

describe('defaults', () => {
  it('SQLite in data/semauth.sqlite, listening on 127.0.0.1:3000', () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({
      dialect: 'sqlite',
      sqlitePath: 'data/semauth.sqlite',
      interface: '127.0.0.1',
      port: 3000,
      webRoot: { prefix: '', origin: null },
      passwordLoginDisabled: false,
      sessionIdleHours: 7 * 24,
      sessionMaxLifeHours: 30 * 24,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('empty environment variables count as unset', () => {
    expect(loadConfig({ env: { SEMAPHORE_PORT: '', SEMAPHORE_INTERFACE: '' } })).toMatchObject({ port: 3000, interface: '127.0.0.1' });
  });
});

describe('environment', () => {
  it.each([
    ['3000', 3000],
    [':3000', 3000],
    ['8080', 8080],
    [':65535', 65535],
  ])('SEMAPHORE_PORT=%s', (value, port) => {
    expect(loadConfig({ env: { SEMAPHORE_PORT: value } }).port).toBe(port);
  });

  it.each(['http', '70000', '-1', ':', '3000.5', '0x10'])('SEMAPHORE_PORT=%s is refused, naming the variable', (value) => {
    expect(loadError({ env: { SEMAPHORE_PORT: value } }).message).toMatch(/^SEMAPHORE_PORT must be an integer from 0 to 65535/);
  });

  it("Semaphore's names select the database and the listener", () => {
    const c = loadConfig({
      env: {
        SEMAPHORE_DB_DIALECT: 'postgres',
        SEMAPHORE_DB_HOST: 'db.internal:5433',
        SEMAPHORE_DB_USER: 'auth',
        SEMAPHORE_DB_PASS: 'pw',
        SEMAPHORE_DB: 'authdb',
        SEMAPHORE_DB_OPTIONS: '{"sslmode":"require"}',
        SEMAPHORE_INTERFACE: '0.0.0.0',
        SEMAPHORE_PASSWORD_LOGIN_DISABLED: 'yes',
      },
    });
    expect(c).toMatchObject({
      dialect: 'postgres',
      pgHost: 'db.internal:5433',
      pgUser: 'auth',
      pgPassword: 'pw',
      pgDatabase: 'authdb',
      pgOptions: { sslmode: 'require' },
      interface: '0.0.0.0',
      passwordLoginDisabled: true,
    });
  });

  it('SEMAPHORE_DB_HOST is the SQLite file path with the sqlite dialect', () => {
    expect(loadConfig({ env: { SEMAPHORE_DB_HOST: '/var/lib/semauth/auth.db' } }).sqlitePath).toBe('/var/lib/semauth/auth.db');
  });

  it('bad values name the variable', () => {
    expect(loadError({ env: { SEMAPHORE_DB_DIALECT: 'mysql' } }).message).toBe('SEMAPHORE_DB_DIALECT must be one of sqlite, postgres, got "mysql"');
    expect(loadError({ env: { SEMAPHORE_PASSWORD_LOGIN_DISABLED: 'maybe' } }).message).toMatch(/^SEMAPHORE_PASSWORD_LOGIN_DISABLED must be true or false/);
    expect(loadError({ env: { SEMAUTH_SESSION_IDLE_HOURS: 'soon' } }).message).toMatch(/^SEMAUTH_SESSION_IDLE_HOURS must be an integer/);
  });
});

describe('SEMAPHORE_WEB_ROOT', () => {
  it.each([
    ['/semaphore', { prefix: '/semaphore', origin: null }],
    ['/semaphore/', { prefix: '/semaphore', origin: null }],
    ['/', { prefix: '', origin: null }],
    ['https://example.com/semaphore/', { prefix: '/semaphore', origin: 'https://example.com' }],
    ['http://example.com:8080', { prefix: '', origin: 'http://example.com:8080' }],
    ['HTTPS://Example.COM:443/a/b', { prefix: '/a/b', origin: 'https://example.com' }],
  ])('%s', (value, webRoot) => {
    expect(loadConfig({ env: { SEMAPHORE_WEB_ROOT: value } }).webRoot).toEqual(webRoot);
  });

  it.each(['semaphore', 'ftp://example.com/x', '/a b', '/a?x=1', 'https://example.com/a?x=1', 'https://example.com/a#top', 'https://u:p@example.com/'])(
    '%s is refused, naming the variable',
    (value) => {
      expect(loadError({ env: { SEMAPHORE_WEB_ROOT: value } }).message).toMatch(/^SEMAPHORE_WEB_ROOT must /);
    },
  );
});

describe('config.json', () => {
  it('reads the keys Semaphore uses', () => {
    const file = configFile({
      dialect: 'postgres',
      postgres: { host: 'pg:5432', user: 'sem', pass: 'secret', name: 'semdb', options: { sslmode: 'disable' } },
      port: ':4000',
      interface: '10.0.0.5',
      web_host: 'https://ci.example.com/semaphore',
      password_login_disable: true,
    });
    expect(loadConfig({ env: {}, configFile: file })).toMatchObject({
      dialect: 'postgres',
      pgHost: 'pg:5432',
      pgUser: 'sem',
      pgPassword: 'secret',
      pgDatabase: 'semdb',
      pgOptions: { sslmode: 'disable' },
      port: 4000,
      interface: '10.0.0.5',
      webRoot: { prefix: '/semaphore', origin: 'https://ci.example.com' },
      passwordLoginDisabled: true,
    });
  });

  it('reads sqlite.host, postgres.port/url and the number form of port', () => {
    const c = loadConfig({ env: {}, configFile: configFile({ sqlite: { host: '/srv/auth.sqlite' }, port: 3100, postgres: { port: 6543, url: 'postgres://x@h/db' } }) });
    expect(c).toMatchObject({ sqlitePath: '/srv/auth.sqlite', port: 3100, pgPort: 6543, pgUrl: 'postgres://x@h/db' });
  });

  it('also accepts the spelling password_login_disabled', () => {
    expect(loadConfig({ env: {}, configFile: configFile({ password_login_disabled: true }) }).passwordLoginDisabled).toBe(true);
  });

  it('environment variables win over the file', () => {
    const file = configFile({ port: ':4000', interface: '10.0.0.5', dialect: 'postgres', password_login_disable: true, password_login_disabled: true });
    expect(loadConfig({ env: {}, configFile: file })).toMatchObject({ port: 4000, interface: '10.0.0.5', dialect: 'postgres' });
    expect(
      loadConfig({
        env: { SEMAPHORE_PORT: '5000', SEMAPHORE_INTERFACE: '127.0.0.1', SEMAPHORE_DB_DIALECT: 'sqlite', SEMAPHORE_PASSWORD_LOGIN_DISABLED: 'false' },
        configFile: file,
      }),
    ).toMatchObject({ port: 5000, interface: '127.0.0.1', dialect: 'sqlite', passwordLoginDisabled: false });
  });

  it('is found through SEMAUTH_CONFIG', () => {
    expect(loadConfig({ env: { SEMAUTH_CONFIG: configFile({ port: 3333 }) } }).port).toBe(3333);
  });

  it('an empty string counts as unset: "interface": "" stays on loopback', () => {
    expect(loadConfig({ env: {}, configFile: configFile({ interface: '', port: '', web_host: '' }) })).toMatchObject({
      interface: '127.0.0.1',
      port: 3000,
      webRoot: { prefix: '', origin: null },
    });
  });

  it("ignores Semaphore's own keys, so its config file can be shared", () => {
    const file = configFile({
      postgres: { host: 'pg', user: 'semaphore', pass: 'x', name: 'semaphore', options: {} },
      dialect: 'postgres',
      tmp_path: '/tmp/semaphore',
      cookie_hash: 'aGFzaA==',
      cookie_encryption: 'ZW5j',
      access_key_encryption: 'a2V5',
      email_alert: false,
      email_sender: '',
      ldap_enable: false,
      ldap_mappings: { dn: '', mail: '', uid: '', cn: '' },
      oidc_providers: {},
      max_parallel_tasks: 10,
      runner_registration_token: '',
      use_remote_runner: false,
      global_integration_alias: '',
      forwarded_env_vars: [],
      apps: {},
      tls: { enabled: false },
      mysql: { host: '' },
      bolt: { host: '/var/lib/semaphore/database.boltdb' },
      non_admin_can_create_project: true,
    });
    expect(loadConfig({ env: {}, configFile: file })).toMatchObject({ dialect: 'postgres', pgHost: 'pg', nonAdminCanCreateProject: true });
  });

  it('an unknown key stops the load, naming the key and the file', () => {
    const file = configFile({ port: 3000, intreface: '0.0.0.0' });
    expect(loadError({ env: {}, configFile: file }).message).toBe(`config file ${file}: unknown key "intreface" (see docs/configuration.md)`);
    const nested = configFile({ postgres: { hots: 'pg' } });
    expect(loadError({ env: {}, configFile: nested }).message).toContain('unknown key "postgres.hots"');
    expect(loadError({ env: {}, configFile: configFile({ sqlite: '/x.db' }) }).message).toContain('config key "sqlite" must be an object');
  });

  it('semauth_ignored_keys lets a shared file carry other keys', () => {
    expect(loadConfig({ env: {}, configFile: configFile({ semauth_ignored_keys: ['my_tool'], my_tool: { a: 1 } }) }).port).toBe(3000);
  });

  it('a bad value names the key', () => {
    expect(loadError({ env: {}, configFile: configFile({ port: 'http' }) }).message).toMatch(/^config key "port" must be an integer/);
    expect(loadError({ env: {}, configFile: configFile({ dialect: 'bolt' }) }).message).toMatch(/^config key "dialect" must be one of sqlite, postgres/);
    expect(loadError({ env: {}, configFile: configFile({ password_login_disable: 'sometimes' }) }).message).toMatch(/^config key "password_login_disable"/);
  });

  it('invalid JSON, a non-object and a missing file name the path', () => {
    const bad = configFile('{"port": 3000,}');
    expect(loadError({ env: {}, configFile: bad }).message).toMatch(new RegExp(`^config file ${bad} is not valid JSON: `));
    const arr = configFile('[1]');
    expect(loadError({ env: {}, configFile: arr }).message).toBe(`config file ${arr} must hold a JSON object`);
    expect(loadError({ env: {}, configFile: '/nonexistent/config.json' }).message).toBe('config file /nonexistent/config.json cannot be read: ENOENT');
  });
});

describe('cross-checks', () => {
  it('an idle lifetime longer than the absolute lifetime is refused, naming both', () => {
    const msg = loadError({ env: { SEMAUTH_SESSION_IDLE_HOURS: '48', SEMAUTH_MAX_SESSION_LIFE_HOURS: '24' } }).message;
    expect(msg).toContain('SEMAUTH_SESSION_IDLE_HOURS');
    expect(msg).toContain('SEMAUTH_MAX_SESSION_LIFE_HOURS');
    expect(loadConfig({ env: { SEMAUTH_SESSION_IDLE_HOURS: '24', SEMAUTH_MAX_SESSION_LIFE_HOURS: '24' } }).sessionIdleHours).toBe(24);
    const file = configFile({ session_idle_hours: 1000 });
    expect(loadError({ env: {}, configFile: file }).message).toBe(
      'config key "session_idle_hours" (1000) must not exceed SEMAUTH_MAX_SESSION_LIFE_HOURS (config key "max_session_life_hours") (720)',
    );
  });

  it('metrics on the API port itself are refused; a metrics port without metrics is warned about', () => {
    expect(loadError({ env: { SEMAUTH_METRICS: 'true', SEMAUTH_METRICS_PORT: '3000' } }).message).toMatch(/^SEMAUTH_METRICS_PORT .* must differ from SEMAPHORE_PORT/);
    expect(loadConfig({ env: { SEMAUTH_METRICS: 'true', SEMAUTH_METRICS_PORT: '9464' } })).toMatchObject({ metrics: true, metricsPort: 9464 });
    expect(configWarnings(loadConfig({ env: { SEMAUTH_METRICS_PORT: '9464' } }))).toContain('SEMAUTH_METRICS_PORT is set but SEMAUTH_METRICS is not true: no metrics are served');
    expect(configWarnings(loadConfig({ env: { SEMAUTH_METRICS: 'true', SEMAUTH_METRICS_PORT: '9464' } }))).toEqual([]);
  });

  it('a blank SQLite path is refused', () => {
    expect(loadError({ env: { SEMAPHORE_DB_HOST: '   ' } }).message).toMatch(/^SEMAPHORE_DB_HOST \(the SQLite file path\) must not be empty/);
  });
});

describe('a value from config.json is named by its key in every message', () => {
  it('the admin password is held to the password rules where it is set', () => {
    expect(loadError({ env: {}, configFile: configFile({ admin_password: 'short' }) }).message).toBe(
      'config key "admin_password" must be 12 to 1024 characters long',
    );
    expect(loadError({ env: { SEMAUTH_ADMIN_PASSWORD: 'short' } }).message).toBe('SEMAUTH_ADMIN_PASSWORD must be 12 to 1024 characters long');
    expect(loadConfig({ env: {}, configFile: configFile({ admin_password: 'a-long-enough-one' }) }).adminPassword).toBe('a-long-enough-one');
  });

  it('a blank SQLite path and a bad PostgreSQL host or URL', () => {
    expect(loadError({ env: {}, configFile: configFile({ sqlite: { host: '   ' } }) }).message).toMatch(
      /^config key "sqlite\.host" \(the SQLite file path\) must not be empty/,
    );
    const pg = (json: unknown) => () => pgConnectionConfig(loadConfig({ env: {}, configFile: configFile({ dialect: 'postgres', ...(json as object) }) }));
    expect(pg({ postgres: { host: 'db:99999' } })).toThrow(/^config key "postgres\.host": bad port/);
    expect(pg({ postgres: { url: 'mysql://u@db/x' } })).toThrow(/^config key "postgres\.url" must start with postgres:\/\//);
    expect(pg({ postgres: { host: 'db', options: { sslmode: 'maybe' } } })).toThrow(/^config key "postgres\.options": unknown sslmode/);
  });
});

describe('two-factor sign-in settings', () => {
  const key = randomBytes(32);

  it('TOTP needs a key, of 32 bytes in base64 or hex, and never repeats a wrong one', () => {
    expect(loadError({ env: { SEMAPHORE_TOTP_ENABLED: 'true' } }).message).toMatch(/^SEMAPHORE_TOTP_ENABLED is on: set SEMAUTH_SECRET_KEY or SEMAUTH_SECRET_KEY_FILE/);
    expect(loadConfig({ env: { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: key.toString('base64') } }).totpEnabled).toBe(true);
    expect(loadConfig({ env: { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: key.toString('hex') } }).totpEnabled).toBe(true);
    const short = randomBytes(16).toString('base64');
    const e = loadError({ env: { SEMAUTH_SECRET_KEY: short } });
    expect(e.message).toMatch(/^SEMAUTH_SECRET_KEY must be 32 random bytes in base64/);
    expect(e.message).not.toContain(short);
    expect(loadError({ env: { SEMAUTH_SECRET_KEY: key.toString('hex'), SEMAUTH_SECRET_KEY_FILE: '/k' } }).message).toMatch(/exclude each other/);
  });

  it('a key file is enough to load (the server reads it when it starts)', () => {
    expect(loadConfig({ env: { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY_FILE: '/run/credentials/semauth-key' } }).secretKeyFile).toBe('/run/credentials/semauth-key');
  });

  it('SEMAUTH_TOTP_REQUIRED takes off, admins or all, and needs TOTP on', () => {
    const on = { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: key.toString('base64') };
    expect(loadConfig({ env: on }).totpRequired).toBe('off');
    expect(loadConfig({ env: { ...on, SEMAUTH_TOTP_REQUIRED: 'Admins' } }).totpRequired).toBe('admins');
    expect(loadError({ env: { ...on, SEMAUTH_TOTP_REQUIRED: 'some' } }).message).toMatch(/^SEMAUTH_TOTP_REQUIRED must be one of off, admins, all/);
    expect(loadError({ env: { SEMAUTH_TOTP_REQUIRED: 'all' } }).message).toMatch(/^SEMAUTH_TOTP_REQUIRED \(all\) needs two-factor sign-in on: set SEMAPHORE_TOTP_ENABLED/);
  });
});

describe("Semaphore's sign-in settings semauth does not act on yet", () => {
  const warningsOf = (opts: Parameters<typeof loadConfig>[0]) => configWarnings(loadConfig(opts)).filter((w) => w.includes('sign-in settings'));

  it('earn one warning at start that lists every one that is set', () => {
    const file = configFile({
      mfa: { email: { enabled: true } },
      totp: { enabled: true },
    });
    const warnings = warningsOf({ env: {}, configFile: file });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBe('these Semaphore sign-in settings are not supported by semauth yet and have no effect: mfa.email, totp');
  });

  it('stay quiet when those settings are absent, empty or off, as in a stock Semaphore config.json', () => {
    const file = configFile({ oidc_providers: {}, auth: { totp: { enabled: false, allow_recovery: false } }, mfa: { email: { enabled: false } }, totp: { enabled: '' } });
    expect(warningsOf({ env: {}, configFile: file })).toEqual([]);
    expect(warningsOf({ env: {} })).toEqual([]);
  });

  it('leave out what semauth acts on: TOTP, under Semaphore\'s current key (mfa.totp) and its older one (auth.totp)', () => {
    const key = randomBytes(32).toString('base64');
    for (const json of [{ mfa: { totp: { enabled: true, allow_recovery: false, app_name: 'Ops' } } }, { auth: { totp: { enabled: true, allow_recovery: false } } }]) {
      const config = loadConfig({ env: { SEMAUTH_SECRET_KEY: key }, configFile: configFile(json) });
      expect(config).toMatchObject({ totpEnabled: true, totpAllowRecovery: false });
      expect(warningsOf({ env: { SEMAUTH_SECRET_KEY: key }, configFile: configFile(json) })).toEqual([]);
    }
    expect(loadError({ env: { SEMAUTH_SECRET_KEY: key }, configFile: configFile({ mfa: { totp: { enable: true } } }) }).message).toContain('unknown key "mfa.totp.enable"');
  });

  it('leave out what semauth acts on: LDAP and OIDC', () => {
    const file = configFile({
      ldap_enable: true, ldap_server: '127.0.0.1:389', ldap_searchdn: 'ou=people,dc=example,dc=com',
      oidc_providers: { github: { provider_url: 'https://token.actions.githubusercontent.com', client_id: 'x' } },
    });
    expect(loadConfig({ env: {}, configFile: file })).toMatchObject({ ldapEnable: true, oidcProviders: [expect.objectContaining({ id: 'github' })] });
    expect(warningsOf({ env: {}, configFile: file })).toEqual([]);
  });
});
