/**
 * LDAP settings: Semaphore's `ldap_*` keys and `SEMAPHORE_LDAP_*` variables
 * (util/config.go), semauth's `SEMAUTH_LDAP_*` additions, the checks that
 * stop a start with a message naming the setting, and the start-up warnings.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ldapSettings } from '../../src/auth-methods/ldap/settings.js';
import { configWarnings, loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/parsers.js';
import { tempDir } from '../support/database.js';
import { REPO_ROOT } from '../support/server-process.js';

function configFile(content: unknown): string {
  const file = join(tempDir('semauth-config-'), 'config.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

function loadError(opts: Parameters<typeof loadConfig>[0]): string {
  try {
    loadConfig(opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('loadConfig did not fail');
}

const MINIMAL = { SEMAPHORE_LDAP_ENABLE: 'true', SEMAPHORE_LDAP_SERVER: 'ldap.example.org:389', SEMAPHORE_LDAP_SEARCH_DN: 'ou=people,dc=example,dc=org' };

describe('names', () => {
  it('off by default, with Semaphore\'s default mappings', () => {
    expect(loadConfig({ env: {} })).toMatchObject({
      ldapEnable: false,
      ldapSearchFilter: '(&(objectClass=inetOrgPerson)(uid=%s))',
      ldapMappingDn: 'dn',
      ldapMappingMail: 'mail',
      ldapMappingUid: 'uid',
      ldapMappingCn: 'cn',
      ldapNeedTls: false,
      ldapStartTls: false,
      ldapTlsInsecure: false,
    });
  });

  it("reads Semaphore's environment variables and semauth's own", () => {
    const c = loadConfig({
      env: {
        SEMAPHORE_LDAP_ENABLE: 'true',
        SEMAPHORE_LDAP_SERVER: 'ldap.example.org:636',
        SEMAPHORE_LDAP_NEEDTLS: 'true',
        SEMAPHORE_LDAP_BIND_DN: 'cn=reader,dc=example,dc=org',
        SEMAPHORE_LDAP_BIND_PASSWORD: 'reader-secret',
        SEMAPHORE_LDAP_SEARCH_DN: 'ou=people,dc=example,dc=org',
        SEMAPHORE_LDAP_SEARCH_FILTER: '(uid=%s)',
        SEMAPHORE_LDAP_MAPPING_DN: 'distinguishedName',
        SEMAPHORE_LDAP_MAPPING_MAIL: 'userPrincipalName',
        SEMAPHORE_LDAP_MAPPING_UID: 'sAMAccountName',
        SEMAPHORE_LDAP_MAPPING_CN: 'displayName',
        SEMAUTH_LDAP_TLS_INSECURE: 'true',
        SEMAUTH_LDAP_CONNECT_TIMEOUT_MS: '1500',
        SEMAUTH_LDAP_TIMEOUT_MS: '2500',
      },
    });
    expect(c).toMatchObject({
      ldapEnable: true,
      ldapServer: 'ldap.example.org:636',
      ldapNeedTls: true,
      ldapBindDn: 'cn=reader,dc=example,dc=org',
      ldapBindPassword: 'reader-secret',
      ldapSearchDn: 'ou=people,dc=example,dc=org',
      ldapSearchFilter: '(uid=%s)',
      ldapMappingDn: 'distinguishedName',
      ldapMappingMail: 'userPrincipalName',
      ldapMappingUid: 'sAMAccountName',
      ldapMappingCn: 'displayName',
      ldapTlsInsecure: true,
      ldapConnectTimeoutMs: 1500,
      ldapTimeoutMs: 2500,
    });
    expect(ldapSettings(c)).toMatchObject({ url: 'ldaps://ldap.example.org:636', tls: 'ldaps', tlsOptions: { rejectUnauthorized: false } });
  });

  it("takes a Semaphore config.json as written, ldap_mappings and empty values included", () => {
    const file = configFile({
      ldap_binddn: 'cn=admin,dc=example,dc=org',
      ldap_bindpassword: 'admin_password',
      ldap_server: 'localhost:389',
      ldap_searchdn: 'ou=users,dc=example,dc=org',
      ldap_searchfilter: '(&(objectClass=inetOrgPerson)(uid=%s))',
      ldap_mappings: { dn: '', mail: '{{ .uid }}@ldap.example.org', uid: 'uid', cn: 'cn' },
      ldap_enable: true,
      ldap_needtls: false,
    });
    const c = loadConfig({ env: {}, configFile: file });
    expect(c).toMatchObject({ ldapEnable: true, ldapServer: 'localhost:389', ldapMappingDn: 'dn', ldapMappingMail: '{{ .uid }}@ldap.example.org' });
    expect(ldapSettings(c)).toMatchObject({ url: 'ldap://localhost:389', tls: 'none', bindDn: 'cn=admin,dc=example,dc=org' });
  });

  it('defaults the port by the TLS mode', () => {
    expect(ldapSettings(loadConfig({ env: { ...MINIMAL, SEMAPHORE_LDAP_SERVER: 'dc1' } })).url).toBe('ldap://dc1:389');
    expect(ldapSettings(loadConfig({ env: { ...MINIMAL, SEMAPHORE_LDAP_SERVER: 'dc1', SEMAPHORE_LDAP_NEEDTLS: '1' } })).url).toBe('ldaps://dc1:636');
    expect(ldapSettings(loadConfig({ env: { ...MINIMAL, SEMAPHORE_LDAP_SERVER: '[::1]:1636', SEMAUTH_LDAP_STARTTLS: 'yes' } }))).toMatchObject({
      url: 'ldap://[::1]:1636',
      tls: 'starttls',
      tlsOptions: { host: '::1', rejectUnauthorized: true },
    });
  });

  it('refuses unknown keys inside ldap_mappings, and a non-object', () => {
    expect(loadError({ env: {}, configFile: configFile({ ldap_mappings: { email: 'mail' } }) })).toMatch(/unknown key "ldap_mappings.email"/);
    expect(loadError({ env: {}, configFile: configFile({ ldap_mappings: 'mail' }) })).toMatch(/"ldap_mappings" must be an object/);
  });
});

describe('checks that stop the start, naming the setting', () => {
  it.each([
    [{ SEMAPHORE_LDAP_SERVER: 'ldaps://dc1:636' }, /^SEMAPHORE_LDAP_SERVER must be host:port \(no ldap:\/\//],
    [{ SEMAPHORE_LDAP_SERVER: 'dc1:99999' }, /^SEMAPHORE_LDAP_SERVER must be host:port/],
    [{ SEMAPHORE_LDAP_SEARCH_FILTER: '(uid=bob)' }, /^SEMAPHORE_LDAP_SEARCH_FILTER must contain %s/],
    [{ SEMAPHORE_LDAP_SEARCH_FILTER: '(uid=%d)' }, /^SEMAPHORE_LDAP_SEARCH_FILTER "%d\)…" is not understood/],
    [{ SEMAPHORE_LDAP_SEARCH_FILTER: 'uid=%s)(' }, /^SEMAPHORE_LDAP_SEARCH_FILTER is not a valid LDAP filter/],
    // `|` separates alternatives before anything else (as in Semaphore), so a Go pipeline cannot be written.
    [{ SEMAPHORE_LDAP_MAPPING_UID: '{{ .uid | lower }}' }, /^SEMAPHORE_LDAP_MAPPING_UID "\{\{ \.uid": templates may only hold/],
    [{ SEMAUTH_LDAP_TIMEOUT_MS: '0' }, /^SEMAUTH_LDAP_TIMEOUT_MS must be an integer from 100/],
  ])('%j', (env, message) => {
    expect(loadError({ env: { ...MINIMAL, ...env } })).toMatch(message);
  });

  it('with LDAP on: a server, a search base, a password for the bind DN, one TLS mode, a readable CA file', () => {
    expect(loadError({ env: { SEMAPHORE_LDAP_ENABLE: 'true', SEMAPHORE_LDAP_SEARCH_DN: 'dc=x' } })).toMatch(/SEMAPHORE_LDAP_SERVER \/ ldap_server must name/);
    expect(loadError({ env: { SEMAPHORE_LDAP_ENABLE: 'true', SEMAPHORE_LDAP_SERVER: 'dc1' } })).toMatch(/SEMAPHORE_LDAP_SEARCH_DN \/ ldap_searchdn must name/);
    expect(loadError({ env: { ...MINIMAL, SEMAPHORE_LDAP_BIND_DN: 'cn=reader,dc=x' } })).toMatch(/SEMAPHORE_LDAP_BIND_PASSWORD \/ ldap_bindpassword must be set/);
    expect(loadError({ env: { ...MINIMAL, SEMAPHORE_LDAP_NEEDTLS: 'true', SEMAUTH_LDAP_STARTTLS: 'true' } })).toMatch(/exclude each other/);
    expect(loadError({ env: { ...MINIMAL, SEMAUTH_LDAP_CA_FILE: '/nonexistent/ca.pem' } })).toMatch(/SEMAUTH_LDAP_CA_FILE \/ ldap_ca_file \/nonexistent\/ca.pem cannot be read: ENOENT/);
    // With LDAP off, the same values are not in the way.
    expect(() => loadConfig({ env: { SEMAPHORE_LDAP_BIND_DN: 'cn=reader,dc=x', SEMAUTH_LDAP_CA_FILE: '/nonexistent/ca.pem' } })).not.toThrow();
  });

  it('a CA file that holds no certificate is refused when the method is built', () => {
    const file = join(tempDir('semauth-ca-'), 'ca.pem');
    writeFileSync(file, 'not a certificate');
    expect(() => ldapSettings(loadConfig({ env: { ...MINIMAL, SEMAUTH_LDAP_CA_FILE: file } }))).toThrow(/holds no PEM certificate/);
  });
});

describe('start-up warnings', () => {
  it('says loudly that TLS verification is off', () => {
    const w = configWarnings(loadConfig({ env: { ...MINIMAL, SEMAPHORE_LDAP_NEEDTLS: 'true', SEMAUTH_LDAP_TLS_INSECURE: 'true' } }));
    expect(w.join('\n')).toMatch(/SEMAUTH_LDAP_TLS_INSECURE=true: the LDAP server's certificate is NOT verified/);
  });

  it('warns when LDAP passwords would cross the network in clear text, not for loopback or TLS', () => {
    expect(configWarnings(loadConfig({ env: MINIMAL })).join('\n')).toMatch(/LDAP passwords go to ldap\.example\.org:389 in clear text/);
    expect(configWarnings(loadConfig({ env: { ...MINIMAL, SEMAPHORE_LDAP_SERVER: '127.0.0.1:389' } }))).toEqual([]);
    expect(configWarnings(loadConfig({ env: { ...MINIMAL, SEMAUTH_LDAP_STARTTLS: 'true' } }))).toEqual([]);
    expect(configWarnings(loadConfig({ env: {} }))).toEqual([]);
  });
});

describe("the README's LDAP examples", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  function block(marker: string): string {
    const m = new RegExp(`<!-- ${marker}:[^>]*-->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme);
    if (!m) throw new Error(`README.md has no block marked ${marker}`);
    return m[1]!;
  }
  // The examples name a CA file of the reader's; any PEM stands in for it here.
  const ca = join(tempDir('semauth-ca-'), 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');

  it('the environment and config.json forms are valid and say the same', () => {
    const env = Object.fromEntries([...block('ldap-example-env').matchAll(/([A-Z_]+)=(?:'([^']*)'|(\S+))/g)].map((m) => [m[1]!, m[2] ?? m[3]!]));
    expect(Object.keys(env).length).toBeGreaterThanOrEqual(10);
    const json = JSON.parse(block('ldap-example-json')) as Record<string, unknown>;
    const fromEnv = loadConfig({ env: { ...env, SEMAUTH_LDAP_CA_FILE: ca } });
    const fromFile = loadConfig({ env: {}, configFile: configFile({ ...json, ldap_ca_file: ca }) });
    const ldapOnly = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith('ldap')));
    expect(ldapOnly(fromFile)).toEqual(ldapOnly(fromEnv));
    expect(ldapSettings(fromEnv)).toMatchObject({ url: 'ldaps://ldap.example.org:636', tls: 'ldaps', tlsOptions: { rejectUnauthorized: true } });
    expect(configWarnings(fromEnv)).toEqual([]);
  });
});
