/**
 * `oidc_providers` (Semaphore's keys, config.json only) and semauth's
 * SEMAUTH_OIDC_* settings: defaults, every check that stops a start with a
 * message naming `oidc_providers.<id>.<key>`, secrets never in a message,
 * client id and secret files read at start, and the start-up warning.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimValue } from '../../src/auth-methods/oidc/claims.js';
import { readCredentials } from '../../src/auth-methods/oidc/credentials.js';
import { configWarnings, loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/parsers.js';
import { cliEnv, semauth } from '../cli/run.js';
import { tempDir } from '../support/database.js';
import { REPO_ROOT } from '../support/server-process.js';

const SECRET = 'do-not-print-this-client-secret';

function configFile(content: unknown): string {
  const file = join(tempDir('semauth-config-'), 'config.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const providers = (map: Record<string, unknown>, env: Record<string, string> = {}) => loadConfig({ env, configFile: configFile({ oidc_providers: map }) });

function loadError(map: Record<string, unknown>, env: Record<string, string> = {}): string {
  try {
    providers(map, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as Error).message;
    expect(message).not.toContain(SECRET);
    return message;
  }
  throw new Error('loadConfig did not fail');
}

const KEYCLOAK = { provider_url: 'https://keycloak.example.org/realms/main', client_id: 'semaphore', client_secret: SECRET };

describe('defaults', () => {
  it('no providers, link-local off, 10 s timeout, https only', () => {
    expect(loadConfig({ env: {} })).toMatchObject({ oidcProviders: [], oidcLinkLocal: false, oidcTimeoutSeconds: 10, oidcAllowHttp: false });
  });

  it('a provider gets Semaphore\'s defaults: scopes openid profile email, claims preferred_username / preferred_username / email, its id as name', () => {
    const [p] = providers({ keycloak: KEYCLOAK }).oidcProviders;
    expect(p).toMatchObject({
      id: 'keycloak', displayName: 'keycloak', clientId: { value: 'semaphore' }, clientSecret: { value: SECRET }, redirectUrl: null,
      scopes: ['openid', 'profile', 'email'], color: '', icon: '', order: 0,
    });
    expect(p!.providerUrl.href).toBe('https://keycloak.example.org/realms/main');
    const claims = { preferred_username: 'alice', email: 'alice@example.org', name: 'Alice' };
    expect([p!.usernameClaim, p!.nameClaim, p!.emailClaim].map((c) => claimValue(c, claims))).toEqual(['alice', 'alice', 'alice@example.org']);
  });

  it('reads every key Semaphore documents, and sorts providers by order, then id', () => {
    const all = providers({
      b: { ...KEYCLOAK, order: 1 },
      a: { ...KEYCLOAK, order: '1' },
      z: {
        display_name: 'Sign in with Z', provider_url: 'https://z.example/', client_id_file: '/run/secrets/id', client_secret_file: '/run/secrets/secret',
        redirect_url: 'https://semaphore.example.org/api/auth/oidc/z/redirect', scopes: ['openid', 'email', 'groups'],
        username_claim: 'nickname | email', name_claim: '{{ .given_name }} {{ .family_name }}', email_claim: 'mail', color: 'orange', icon: 'login', order: -5,
      },
    }).oidcProviders;
    expect(all.map((p) => p.id)).toEqual(['z', 'a', 'b']);
    expect(all[0]).toMatchObject({ displayName: 'Sign in with Z', clientId: { file: '/run/secrets/id' }, clientSecret: { file: '/run/secrets/secret' }, scopes: ['openid', 'email', 'groups'], color: 'orange', icon: 'login' });
    expect(claimValue(all[0]!.usernameClaim, { email: 'zed@example.org' })).toBe('zed@example.org');
    expect(claimValue(all[0]!.nameClaim, { given_name: 'Zed', family_name: 'Zero' })).toBe('Zed Zero');
  });

  it('a client without a secret is a public client (PKCE alone); empty scopes mean the default ones', () => {
    const [p] = providers({ pub: { provider_url: 'https://idp.example', client_id: 'x', scopes: [] } }).oidcProviders;
    expect(p).toMatchObject({ clientSecret: null, scopes: ['openid', 'profile', 'email'] });
  });
});

describe('checks that stop the start', () => {
  it.each([
    ['not an object', { kc: 'https://keycloak.example.org' }, /oidc_providers\.kc" must be an object/],
    ['an id that is no path segment', { 'a/b': KEYCLOAK }, /provider id "a\/b"/],
    ['an unknown key', { kc: { ...KEYCLOAK, clientid: 'x' } }, /oidc_providers\.kc\.clientid" is unknown/],
    ['endpoints by hand', { kc: { ...KEYCLOAK, endpoint: { auth: 'https://x' } } }, /oidc_providers\.kc\.endpoint".*set provider_url/],
    ['no provider_url', { kc: { client_id: 'x' } }, /oidc_providers\.kc\.provider_url" must name the provider's issuer/],
    ['a provider_url that is no URL', { kc: { ...KEYCLOAK, provider_url: 'keycloak' } }, /oidc_providers\.kc\.provider_url" must be a URL/],
    ['a provider_url with a query', { kc: { ...KEYCLOAK, provider_url: 'https://kc.example/?realm=x' } }, /oidc_providers\.kc\.provider_url" must be the issuer URL itself/],
    ['an ftp provider_url', { kc: { ...KEYCLOAK, provider_url: 'ftp://kc.example/' } }, /oidc_providers\.kc\.provider_url" must be an https:\/\/ URL/],
    ['a remote http provider_url', { kc: { ...KEYCLOAK, provider_url: 'http://kc.example/' } }, /oidc_providers\.kc\.provider_url" must be an https:\/\/ URL/],
    ['no client id', { kc: { provider_url: 'https://kc.example' } }, /oidc_providers\.kc\.client_id" \(or client_id_file\) must be set/],
    ['client_id and client_id_file', { kc: { ...KEYCLOAK, client_id_file: '/x' } }, /oidc_providers\.kc\.client_id" and .*client_id_file" are both set/],
    ['client_secret and client_secret_file', { kc: { ...KEYCLOAK, client_secret_file: '/x' } }, /oidc_providers\.kc\.client_secret" and .*client_secret_file" are both set/],
    ['a secret that is no string', { kc: { ...KEYCLOAK, client_secret: 42 } }, /oidc_providers\.kc\.client_secret" must be a string/],
    ['a relative redirect_url', { kc: { ...KEYCLOAK, redirect_url: '/api/auth/oidc/kc/redirect' } }, /oidc_providers\.kc\.redirect_url" must be an absolute URL/],
    ['a redirect_url with a query', { kc: { ...KEYCLOAK, redirect_url: 'https://s.example/cb?x=1' } }, /oidc_providers\.kc\.redirect_url" must have no query/],
    ['scopes without openid', { kc: { ...KEYCLOAK, scopes: ['profile', 'email'] } }, /oidc_providers\.kc\.scopes" must include "openid"/],
    ['scopes that are no list', { kc: { ...KEYCLOAK, scopes: { openid: true } } }, /oidc_providers\.kc\.scopes" must be a list/],
    ['a claim template with more than placeholders', { kc: { ...KEYCLOAK, name_claim: '{{ .a | upper }}' } }, /oidc_providers\.kc\.name_claim" .*placeholders/],
    ['a claim that is no name', { kc: { ...KEYCLOAK, email_claim: 'e mail' } }, /oidc_providers\.kc\.email_claim" .*not a claim name/],
    ['an order that is no integer', { kc: { ...KEYCLOAK, order: 1.5 } }, /oidc_providers\.kc\.order" must be an integer/],
    ['a display name with a control character', { kc: { ...KEYCLOAK, display_name: 'A\u001b[31m' } }, /oidc_providers\.kc\.display_name" must not contain control characters/],
  ])('%s', (_what, map, message) => {
    expect(loadError(map)).toMatch(message);
  });

  it('a client_secret with a control character is refused without printing it', () => {
    expect(loadError({ kc: { ...KEYCLOAK, client_secret: `${SECRET}\n` } })).toMatch(/oidc_providers\.kc\.client_secret" must not contain control characters$/);
  });

  it('oidc_providers must be an object', () => {
    expect(() => loadConfig({ env: {}, configFile: configFile({ oidc_providers: ['kc'] }) })).toThrow(/config key "oidc_providers" must be an object/);
  });

  it('http:// only on loopback, and only with SEMAUTH_OIDC_ALLOW_HTTP=true, which is warned about', () => {
    const local = { kc: { ...KEYCLOAK, provider_url: 'http://127.0.0.1:8080/realms/main' } };
    expect(loadError(local)).toMatch(/oidc_providers\.kc\.provider_url" is a plain http:\/\/ URL: .*SEMAUTH_OIDC_ALLOW_HTTP=true/);
    const config = providers(local, { SEMAUTH_OIDC_ALLOW_HTTP: 'true' });
    expect(configWarnings(config)).toContainEqual(expect.stringMatching(/^SEMAUTH_OIDC_ALLOW_HTTP=true: .*tests and local development only/));
    expect(loadError({ kc: { ...KEYCLOAK, provider_url: 'http://10.0.0.8/realms/main' } }, { SEMAUTH_OIDC_ALLOW_HTTP: 'true' })).toMatch(/must be an https:\/\/ URL/);
    for (const host of ['localhost', '[::1]', '127.1.2.3']) {
      expect(() => providers({ kc: { ...KEYCLOAK, provider_url: `http://${host}:8080` } }, { SEMAUTH_OIDC_ALLOW_HTTP: 'true' })).not.toThrow();
    }
  });

  it('SEMAUTH_OIDC_TIMEOUT_SECONDS is 1 to 120', () => {
    expect(() => loadConfig({ env: { SEMAUTH_OIDC_TIMEOUT_SECONDS: '0' } })).toThrow(/SEMAUTH_OIDC_TIMEOUT_SECONDS must be an integer from 1 to 120/);
  });
});

describe('client id and secret files', () => {
  it('are read whole, without the trailing newline', () => {
    const dir = tempDir('semauth-oidc-files-');
    writeFileSync(join(dir, 'id'), 'semaphore\n');
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`);
    const [p] = providers({ kc: { provider_url: 'https://kc.example', client_id_file: join(dir, 'id'), client_secret_file: join(dir, 'secret') } }).oidcProviders;
    expect(readCredentials(p!)).toEqual({ clientId: 'semaphore', clientSecret: SECRET });
  });

  it('a missing, empty or multi-line file is named with its key, its content never printed', () => {
    const dir = tempDir('semauth-oidc-files-');
    const read = (content: string | null) => {
      const file = join(dir, `secret-${Math.random()}`);
      if (content !== null) writeFileSync(file, content);
      const [p] = providers({ kc: { provider_url: 'https://kc.example', client_id: 'x', client_secret_file: file } }).oidcProviders;
      try {
        readCredentials(p!);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as Error).message).not.toContain(SECRET);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(read(null)).toMatch(/^config key "oidc_providers\.kc\.client_secret_file": .* cannot be read: ENOENT$/);
    expect(read(' \n')).toMatch(/client_secret_file": .* is empty$/);
    expect(read(`${SECRET}\n${SECRET}\n`)).toMatch(/client_secret_file": .* holds control characters/);
  });

  it('`semauth server` does not start when a secret file cannot be read, and says which key in one line', async () => {
    const missing = join(tempDir('semauth-oidc-files-'), 'absent');
    const config = configFile({ oidc_providers: { kc: { provider_url: 'https://kc.example', client_id: 'x', client_secret_file: missing } } });
    const r = await semauth(['server'], { env: await cliEnv({ SEMAUTH_CONFIG: config, SEMAPHORE_PORT: '0', SEMAUTH_LOG_LEVEL: 'error', SEMAUTH_ADMIN_PASSWORD: 'admin-password-1' }) });
    expect(r.code).not.toBe(0);
    expect(r.errLines).toEqual([expect.stringMatching(/^semauth: .*oidc_providers\.kc\.client_secret_file.* cannot be read/)]);
  });

  it('but CLI commands sharing the config do not need to read it', async () => {
    const config = configFile({ oidc_providers: { kc: { provider_url: 'https://kc.example', client_id: 'x', client_secret_file: '/nonexistent/secret' } } });
    const env = await cliEnv({ SEMAUTH_CONFIG: config });
    for (const command of [['migrate'], ['user', 'list']]) expect((await semauth(command, { env })).code).toBe(0);
  });
});

describe("the README's OIDC examples", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  function block(marker: string): Record<string, unknown> {
    const m = new RegExp(`<!-- ${marker}:[^>]*-->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(readme);
    if (!m) throw new Error(`README.md has no block marked ${marker}`);
    return JSON.parse(m[1]!) as Record<string, unknown>;
  }

  it('the Keycloak-like one loads as written, its secret from the file it names', () => {
    const json = block('oidc-example-keycloak');
    const config = loadConfig({ env: {}, configFile: configFile(json) });
    expect(config.oidcProviders).toHaveLength(1);
    expect(config.oidcProviders[0]).toMatchObject({ id: 'keycloak', clientSecret: { file: '/run/secrets/semaphore-oidc-secret' }, order: 1 });
    expect(configWarnings(config)).toEqual([]);
  });

  it('the test provider one loads with SEMAUTH_OIDC_ALLOW_HTTP=true only, and scripts/oidc-test-provider.mjs serves that issuer', async () => {
    const json = block('oidc-example-test-provider');
    expect(() => loadConfig({ env: {}, configFile: configFile(json) })).toThrow(/SEMAUTH_OIDC_ALLOW_HTTP=true/);
    const [p] = loadConfig({ env: { SEMAUTH_OIDC_ALLOW_HTTP: 'true' }, configFile: configFile(json) }).oidcProviders;
    expect(p).toMatchObject({ id: 'test', clientId: { value: 'semauth-demo' }, clientSecret: { value: 'semauth-demo-secret' } });

    // The script on a free port: its discovery document names the issuer it printed.
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/oidc-test-provider.mjs')], { env: { ...process.env, OIDC_TEST_PORT: '0' }, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const issuer = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
        child.once('exit', (code) => reject(new Error(`the script exited with ${code}`)));
      });
      expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; code_challenge_methods_supported: string[] };
      expect(discovery.issuer).toBe(issuer);
      expect(discovery.code_challenge_methods_supported).toContain('S256');
    } finally {
      child.kill();
    }
  });
});
