/**
 * OIDC sign-in, the authorization code flow with PKCE (S256), state and
 * nonce, in two steps:
 *
 * - `begin`: a new flow secret (flow-secret.ts) — its hash and where to go
 *   afterwards stored for STATE_TTL_MS, the secret itself for the state
 *   cookie — and the provider's authorization URL to send the browser to.
 * - `complete`: the callback. The state record is consumed first (one use,
 *   even when the callback then fails), and the callback is accepted only
 *   from the browser holding the cookie, for the provider the flow began
 *   with, within its lifetime, with the state derived from the cookie.
 *   openid-client then exchanges the code (PKCE verifier, same redirect_uri)
 *   and validates the ID token: signature, issuer, audience, expiry, nonce.
 *   The user comes from the verified claims (accounts.ts), and the session
 *   starts as for any other sign-in.
 *
 * This service never writes a cookie or a response: the routes do. It does
 * not throttle (a sign-in costs the user a round trip through the provider,
 * which throttles its own logins), and it records the outcome of every
 * callback that finds a sign-in in flight in the audit trail, with the
 * method `oidc` and the provider id.
 */
import * as oidc from 'openid-client';
import type { AuditService } from '../../services/audit.js';
import { SILENT_LOG, type ClientContext, type Clock, type OperatorLog } from '../../services/context.js';
import type { NewSession, SessionService } from '../../services/sessions.js';
import type { OidcStateRecord, OidcStateStore, UserRecord } from '../../storage/types.js';
import { identityFromClaims, type OidcAccounts } from './accounts.js';
import { claimNames, claimValue } from './claims.js';
import type { OidcProviderConfig } from './config.js';
import { exchangeFailure, OidcFailure } from './failures.js';
import { newFlowSecret, parseFlowSecret, stateMatches, type FlowSecret } from './flow-secret.js';
import type { ProviderDirectory } from './provider-directory.js';

/** How long a started sign-in may take to come back (also the state cookie's Max-Age). */
export const STATE_TTL_MS = 10 * 60_000;

export interface ProviderListing {
  id: string;
  name: string;
  color: string;
  icon: string;
}

export interface BeginResult {
  /** The provider's authorization endpoint, with the request's parameters. */
  authorizationUrl: string;
  /** The state cookie: its value, and the path it must be limited to (the callback's). */
  stateCookie: { value: string; path: string; maxAgeSeconds: number };
}

export interface CompleteResult {
  user: UserRecord;
  session: NewSession;
  /** Where to go: a checked same-site path below the web root, or null for the web root. */
  returnTo: string | null;
}

export interface CallbackInput {
  /** The query string of the callback as received (without `?`). */
  query: string;
  /** The `{path}` of `…/redirect/{path}`, already checked (or null). */
  callbackPath: string | null;
  stateCookie: string | null;
}

export class OidcService {
  private readonly byId: ReadonlyMap<string, OidcProviderConfig>;

  constructor(
    readonly providers: readonly OidcProviderConfig[],
    private readonly directory: ProviderDirectory,
    private readonly states: OidcStateStore,
    private readonly accounts: OidcAccounts,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly now: Clock,
  ) {
    this.byId = new Map(providers.map((p) => [p.id, p]));
  }

  /** For `GET /auth/login`: already in `order`, then id. */
  listing(): ProviderListing[] {
    return this.providers.map((p) => ({ id: p.id, name: p.displayName, color: p.color, icon: p.icon }));
  }

  /** The provider with this id; an `oidc_provider` failure when there is none. */
  provider(id: string): OidcProviderConfig {
    const p = this.lookup(id);
    if (p === undefined) throw new OidcFailure('oidc_provider');
    return p;
  }

  lookup(id: string): OidcProviderConfig | undefined {
    return this.byId.get(id);
  }

  /** Reads every client id and secret file now, so that an unreadable one stops the server at start. */
  checkCredentials(): void {
    for (const p of this.providers) this.directory.clientCredentials(p);
  }

  /**
   * Starts a sign-in. `redirectUri` is the callback URL to register with
   * the provider (the configured `redirect_url`, or one derived from the web root).
   */
  async begin(providerId: string, redirectUri: string, returnTo: string | null, log: OperatorLog = SILENT_LOG): Promise<BeginResult> {
    const provider = this.provider(providerId);
    const config = await this.directory.configuration(provider, log);
    const secret = newFlowSecret();
    const now = this.now();
    await this.states.create({ id: secret.key, provider: provider.id, redirectUri, returnTo, createdAt: now, expiresAt: now + STATE_TTL_MS });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: provider.scopes.join(' '),
      state: secret.state,
      nonce: secret.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(secret.codeVerifier),
      code_challenge_method: 'S256',
    });
    return {
      authorizationUrl: url.href,
      stateCookie: { value: secret.cookieValue, path: new URL(redirectUri).pathname, maxAgeSeconds: STATE_TTL_MS / 1000 },
    };
  }

  /**
   * Finishes a sign-in at the provider's callback; every refusal is an
   * OidcFailure. Refusals are logged; they are audited once a sign-in in
   * flight was found for the callback (a callback with no state cookie, or
   * one naming no sign-in, is noise anyone can send: it costs no write).
   */
  async complete(providerId: string, input: CallbackInput, client: ClientContext): Promise<CompleteResult> {
    const log = client.log ?? SILENT_LOG;
    const provider = this.byId.get(providerId);
    let inFlight = false;
    /** For the audit trail: the e-mail claim as soon as the claims are known, then the user. */
    let claimedEmail: string | undefined;
    let user: UserRecord | undefined;
    try {
      if (provider === undefined) throw new OidcFailure('oidc_provider');
      const secret = parseFlowSecret(input.stateCookie);
      if (secret === null) throw new OidcFailure('oidc_state', { why: 'no state cookie (expired, or the sign-in was started in another browser)' });
      // Consumed before anything else is checked: a callback that fails burns its state.
      const record = await this.states.consume(secret.key);
      if (record === undefined) throw new OidcFailure('oidc_state', { why: 'unknown or already used state' });
      inFlight = true;
      this.checkState(provider, secret, record, input.query);
      const claims = await this.exchange(provider, secret, record.redirectUri, input.query, log);
      claimedEmail = claimValue(provider.emailClaim, claims);
      user = await this.accounts.resolve(identityFromClaims(provider, claims), client, log);
      const session = await this.sessions.create(user, { method: 'oidc', secondFactorSatisfied: true, client });
      await this.audit.record('login.succeeded', client, { userId: user.id, login: user.username, detail: { method: 'oidc', provider: provider.id } });
      return { user, session, returnTo: record.returnTo ?? input.callbackPath };
    } catch (e) {
      if (!(e instanceof OidcFailure)) throw e;
      log.warn({ oidc: providerId, reason: e.reason, ...e.details }, `OIDC sign-in refused: ${e.message}`);
      if (inFlight) {
        const subject = { userId: user?.id ?? (e.details.user as number | undefined) ?? null, login: user?.username ?? claimedEmail ?? null };
        await this.audit.record('login.failed', client, { ...subject, detail: { method: 'oidc', provider: providerId, reason: e.reason } });
      }
      throw e;
    }
  }

  /** The callback against the sign-in it claims to finish: in time, same provider, the state derived from this browser's cookie. */
  private checkState(provider: OidcProviderConfig, secret: FlowSecret, record: OidcStateRecord, query: string): void {
    if (this.now() >= record.expiresAt) throw new OidcFailure('oidc_state', { why: 'the sign-in took longer than its 10 minutes' });
    if (record.provider !== provider.id) throw new OidcFailure('oidc_state', { why: `the sign-in was started with provider ${record.provider}` });
    if (!stateMatches(secret, new URLSearchParams(query).get('state'))) {
      throw new OidcFailure('oidc_state', { why: 'the state in the callback is not the one of this browser\'s sign-in' });
    }
  }

  /** The code exchange and the ID token's checks; the claims of the ID token, completed from userinfo when needed. */
  private async exchange(provider: OidcProviderConfig, secret: FlowSecret, redirectUri: string, query: string, log: OperatorLog): Promise<Record<string, unknown>> {
    const config = await this.directory.configuration(provider, log);
    // The callback URL as the provider was told it: the token request repeats it as redirect_uri.
    const callbackUrl = new URL(redirectUri);
    callbackUrl.search = query;
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        expectedState: secret.state,
        expectedNonce: secret.nonce,
        pkceCodeVerifier: secret.codeVerifier,
        idTokenExpected: true,
      });
    } catch (e) {
      throw exchangeFailure(e);
    }
    const claims: Record<string, unknown> = { ...tokens.claims()! };
    const wanted = [provider.emailClaim, provider.usernameClaim, provider.nameClaim].flatMap(claimNames);
    if (wanted.every((c) => Object.hasOwn(claims, c)) || config.serverMetadata().userinfo_endpoint === undefined) return claims;
    // Many providers put profile and e-mail claims in userinfo only: ask it, for the same subject.
    try {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub as string);
      return { ...info, ...claims };
    } catch (e) {
      throw exchangeFailure(e);
    }
  }
}
