/**
 * A real OpenID provider for one test file: npm `oidc-provider` (the
 * certified Node implementation) on 127.0.0.1, with its development login
 * and consent pages, test accounts, and clients registered as the test's
 * semauth apps come up — plus the helpers to drive a whole sign-in over HTTP
 * as a browser would (no browser needed):
 *
 *   const idp = await startTestProvider();
 *   const t = await startOidcApp(idp);                    // semauth with oidc_providers.idp → idp
 *   const flow = await idp.signIn(t, 'alice');            // login → provider's forms → callback URL
 *   const r = await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } });
 *
 * `tamper` makes the provider's token endpoint hand out a doctored ID token
 * (another audience, issuer, nonce, an expired one, or one signed by another
 * key), re-signed with the provider's own key unless the signature is the
 * point: what a misbehaving or impersonated provider would send.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { startTestApp, type TestApp } from './app.js';
import { tempDir } from './database.js';

export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  name?: string;
}

export type Tamper = 'audience' | 'issuer' | 'nonce' | 'expired' | 'signature';

export interface SignInFlow {
  /** Where the provider sent the browser back to semauth (code, state, iss in the query). */
  callbackUrl: string;
  /** `semauth_oidc_state=…`, as the browser would send it back. */
  stateCookie: string;
  /** The raw Set-Cookie line of the state cookie. */
  stateSetCookie: string;
  /** semauth's answer to the start of the sign-in. */
  startLocation: string;
}

export interface TestProvider {
  issuer: string;
  accounts: Map<string, TestAccount>;
  addAccount(account: TestAccount): void;
  /** Registers a client with its secret and redirect URIs. */
  addClient(client: { clientId: string; clientSecret: string; redirectUris: string[] }): void;
  tamper(mode: Tamper | null): void;
  /** Drives a sign-in from semauth's login route to the callback URL (not fetched). */
  signIn(startUrl: string, login: string, opts?: { deny?: boolean }): Promise<SignInFlow>;
  /** Stops answering (the port is freed); `start` listens on the same port again. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** A JWT re-signed RS256 with `key` under `kid`, its claims changed by `change`. */
function resign(jwt: string, key: KeyObject, kid: string, change: (claims: Record<string, unknown>) => void): string {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  const head = `${b64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${head}.${b64url(sign('sha256', Buffer.from(head), key))}`;
}

const TAMPERING: Record<Tamper, (claims: Record<string, unknown>) => void> = {
  audience: (c) => (c.aud = 'some-other-client'),
  issuer: (c) => (c.iss = 'http://127.0.0.1:9/not-the-issuer'),
  nonce: (c) => (c.nonce = 'a-nonce-of-another-sign-in'),
  expired: (c) => {
    const now = Math.floor(Date.now() / 1000);
    c.iat = now - 7200;
    c.exp = now - 3600;
  },
  signature: () => {},
};

export async function startTestProvider(): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const signingKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  const accounts = new Map<string, TestAccount>();
  const clients: { client_id: string; client_secret: string; redirect_uris: string[] }[] = [];
  let tampering: Tamper | null = null;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;

  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  /** A Provider for the clients known now (oidc-provider takes static clients at construction). */
  const build = () => {
    const provider = new Provider(issuer, {
      clients: clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'] })),
      jwks: { keys: [jwk] },
      cookies: { keys: ['test-cookie-key'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 600, Interaction: 600, Session: 600 },
      async findAccount(_ctx, sub) {
        const account = accounts.get(sub);
        return account && { accountId: sub, claims: async () => ({ ...account }) };
      },
    });
    // What a doctored token endpoint sends: the flow is real, the ID token is not what it should be.
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: unknown } | undefined;
      if (tampering !== null && ctx.path === '/token' && body && typeof body.id_token === 'string') {
        body.id_token = resign(body.id_token, tampering === 'signature' ? strangerKey : signingKey, 'test-key', TAMPERING[tampering]);
      }
    });
    const callback = provider.callback();
    // Koa's handler answers through `res` and settles its own promise: nothing to wait for here.
    handler = (req, res) => void callback(req, res);
  };

  const jarOf = () => new Map<string, string>();
  async function go(jar: Map<string, string>, url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const r = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of r.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return r;
  }

  const provider: TestProvider = {
    issuer,
    accounts,
    addAccount(account) {
      accounts.set(account.sub, account);
    },
    addClient({ clientId, clientSecret, redirectUris }) {
      clients.push({ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris });
      build();
    },
    tamper(mode) {
      tampering = mode;
    },
    async signIn(startUrl, login, opts = {}) {
      const start = await fetch(startUrl, { redirect: 'manual' });
      const startLocation = start.headers.get('location') ?? '';
      if (start.status !== 307 || !startLocation.startsWith(issuer)) throw new Error(`sign-in did not start: ${start.status} ${startLocation}`);
      const stateSetCookie = start.headers.getSetCookie().find((l) => l.startsWith('semauth_oidc_state=')) ?? '';
      const stateCookie = stateSetCookie.split(';', 1)[0]!;
      // A new browser for each sign-in: the provider asks for the login and the consent every time.
      const jar = jarOf();
      let r = await go(jar, startLocation);
      for (let step = 0; step < 12; step++) {
        if (r.status >= 300 && r.status < 400) {
          const next = new URL(r.headers.get('location')!, issuer).href;
          if (!next.startsWith(issuer)) return { callbackUrl: next, stateCookie, stateSetCookie, startLocation };
          r = await go(jar, next);
          continue;
        }
        const html = await r.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
        if (r.status !== 200 || action === undefined || prompt === undefined) throw new Error(`unexpected page from the provider: ${r.status} ${html.slice(0, 300)}`);
        const target = new URL(action.replace(/&amp;/g, '&'), issuer).href;
        r = opts.deny
          ? await go(jar, `${target}/abort`)
          : await go(jar, target, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ prompt, login, password: 'any' }).toString() });
      }
      throw new Error('the provider never sent the browser back');
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    async close() {
      if (server.listening) await provider.stop();
    },
  };
  return provider;
}

export interface OidcAppOptions {
  /** Keys of `oidc_providers.idp` beyond the provider's issuer and client (e.g. `{"color": "red"}`). */
  provider?: Record<string, unknown>;
  /** More entries of `oidc_providers` (e.g. one whose provider is down). */
  others?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Put the client secret in a file named by client_secret_file. */
  secretInFile?: boolean;
}

let clients = 0;

/**
 * A semauth app whose `oidc_providers.idp` is this provider, with a client of
 * its own that the provider learns once the app has its port (discovery is
 * lazy, so nothing is asked of the provider before the first sign-in).
 * SEMAUTH_OIDC_ALLOW_HTTP is on: the provider speaks plain HTTP on loopback.
 */
export async function startOidcApp(idp: TestProvider, opts: OidcAppOptions = {}): Promise<TestApp & { clientId: string }> {
  const dir = tempDir('semauth-oidc-');
  const clientId = `semauth-${process.pid}-${++clients}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const secretFile = join(dir, 'client-secret');
  writeFileSync(secretFile, `${clientSecret}\n`);
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      oidc_providers: {
        idp: {
          display_name: 'Test provider',
          provider_url: idp.issuer,
          client_id: clientId,
          ...(opts.secretInFile ? { client_secret_file: secretFile } : { client_secret: clientSecret }),
          ...opts.provider,
        },
        ...opts.others,
      },
    }),
  );
  const t = await startTestApp({ env: { SEMAUTH_CONFIG: configFile, SEMAUTH_OIDC_ALLOW_HTTP: 'true', ...opts.env } });
  idp.addClient({ clientId, clientSecret, redirectUris: [`${t.api}/auth/oidc/idp/redirect`] });
  return Object.assign(t, { clientId });
}
