/**
 * `oidc_providers` in config.json, validated at start: a map from provider
 * id to Semaphore's keys. Every message names the key it is about
 * (`oidc_providers.<id>.<key>`) and never prints a secret. Files
 * (`client_id_file`, `client_secret_file`) are only named here; the server
 * reads them when it starts (credentials.ts), so that CLI commands sharing the
 * config do not need to be able to read them.
 */
import { isIP } from 'node:net';
import { ConfigError, type Parser } from '../../config/parsers.js';
import { parseClaimExpression, type ClaimExpression } from './claims.js';

/** A value given inline, or the path of a file that holds it. */
export type Credential = { readonly value: string } | { readonly file: string };

export interface OidcProviderConfig {
  /** The map key: a path segment of this provider's routes. */
  readonly id: string;
  /** The button's text (`display_name`; the id when empty). */
  readonly displayName: string;
  /** The issuer; its discovery document is `<it>/.well-known/openid-configuration`. */
  readonly providerUrl: URL;
  readonly clientId: Credential;
  /** Null for a public client (PKCE alone). */
  readonly clientSecret: Credential | null;
  /** The callback URL registered at the provider; null: derived from the web root. */
  readonly redirectUrl: string | null;
  readonly scopes: readonly string[];
  readonly usernameClaim: ClaimExpression;
  readonly nameClaim: ClaimExpression;
  readonly emailClaim: ClaimExpression;
  readonly color: string;
  readonly icon: string;
  readonly order: number;
}

export const DEFAULT_SCOPES = ['openid', 'profile', 'email'] as const;

const KEYS = new Set([
  'display_name', 'provider_url', 'client_id', 'client_id_file', 'client_secret', 'client_secret_file', 'redirect_url',
  'scopes', 'username_claim', 'name_claim', 'email_claim', 'color', 'icon', 'order',
]);

/** URL-safe and short: the id is a path segment of the provider's routes. */
const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_LABEL_LENGTH = 100;

const keyName = (id: string, key: string) => `config key "oidc_providers.${id}.${key}"`;

/** The whole map; providers sorted as the sign-in page lists them (by `order`, then id). */
export const parseOidcProviders: Parser<readonly OidcProviderConfig[]> = (raw, name) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${name} must be an object mapping provider ids to their settings, like {"keycloak": {"provider_url": …}}`);
  }
  const providers = Object.entries(raw as Record<string, unknown>).map(([id, value]) => parseProvider(id, value));
  providers.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return Object.freeze(providers);
};

function parseProvider(id: string, raw: unknown): OidcProviderConfig {
  if (!PROVIDER_ID.test(id)) {
    throw new ConfigError(`config key "oidc_providers": the provider id ${JSON.stringify(id)} must be 1 to 64 letters, digits, '.', '_' or '-' (it is part of the provider's URLs)`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`config key "oidc_providers.${id}" must be an object like {"provider_url": …, "client_id": …}`);
  }
  const entry = raw as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (key === 'endpoint') {
      throw new ConfigError(`${keyName(id, key)} (endpoints set by hand) is not supported by semauth: set provider_url to the issuer, whose discovery document names the endpoints and keys`);
    }
    if (!KEYS.has(key)) throw new ConfigError(`${keyName(id, key)} is unknown (see the README's OIDC section for the keys)`);
  }
  const get = (key: string) => (entry[key] === null ? undefined : entry[key]);
  const text = (key: string, opts: { secret?: boolean } = {}): string | undefined => {
    const v = get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new ConfigError(`${keyName(id, key)} must be a string`);
    if (CONTROL.test(v)) throw new ConfigError(`${keyName(id, key)} must not contain control characters${opts.secret ? '' : `, got ${JSON.stringify(v)}`}`);
    return v.trim() === '' ? undefined : v.trim();
  };
  const label = (key: string): string | undefined => {
    const v = text(key);
    if (v !== undefined && v.length > MAX_LABEL_LENGTH) throw new ConfigError(`${keyName(id, key)} must be at most ${MAX_LABEL_LENGTH} characters long`);
    return v;
  };

  const providerUrl = text('provider_url');
  if (providerUrl === undefined) throw new ConfigError(`${keyName(id, 'provider_url')} must name the provider's issuer, e.g. https://keycloak.example.org/realms/main`);

  const clientId = credential(id, 'client_id', text('client_id'), text('client_id_file'));
  if (clientId === null) throw new ConfigError(`${keyName(id, 'client_id')} (or client_id_file) must be set to the client id registered at the provider`);

  return Object.freeze({
    id,
    displayName: label('display_name') ?? id,
    providerUrl: parseIssuer(providerUrl, keyName(id, 'provider_url')),
    clientId,
    clientSecret: credential(id, 'client_secret', text('client_secret', { secret: true }), text('client_secret_file')),
    redirectUrl: parseRedirectUrl(text('redirect_url'), keyName(id, 'redirect_url')),
    scopes: parseScopes(get('scopes'), keyName(id, 'scopes')),
    usernameClaim: claim(id, 'username_claim', text('username_claim') ?? 'preferred_username'),
    nameClaim: claim(id, 'name_claim', text('name_claim') ?? 'preferred_username'),
    emailClaim: claim(id, 'email_claim', text('email_claim') ?? 'email'),
    color: label('color') ?? '',
    icon: label('icon') ?? '',
    order: parseOrder(get('order'), keyName(id, 'order')),
  });
}

/** `<key>` or `<key>_file`, not both; null when neither is set. */
function credential(id: string, key: string, value: string | undefined, file: string | undefined): Credential | null {
  if (value !== undefined && file !== undefined) {
    throw new ConfigError(`${keyName(id, key)} and ${keyName(id, `${key}_file`)} are both set: keep one`);
  }
  if (value !== undefined) return { value };
  if (file !== undefined) return { file };
  return null;
}

function parseIssuer(text: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${name} must be a URL like https://keycloak.example.org/realms/main, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name} must be an https:// URL, got ${JSON.stringify(text)}`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(`${name} must be the issuer URL itself (no query, fragment or credentials), got ${JSON.stringify(text)}`);
  }
  return url;
}

function parseRedirectUrl(text: string | undefined, name: string): string | null {
  if (text === undefined) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL like https://semaphore.example.org/api/auth/oidc/<id>/redirect, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name} must use https (or http), got ${JSON.stringify(text)}`);
  // The provider appends ?code=…&state=…; the token request must repeat the URL exactly.
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(`${name} must have no query, fragment or credentials, got ${JSON.stringify(text)}`);
  }
  return url.href;
}

function parseScopes(raw: unknown, name: string): readonly string[] {
  if (raw === undefined) return DEFAULT_SCOPES;
  const list = typeof raw === 'string' ? raw.split(/\s+/) : Array.isArray(raw) && raw.every((s) => typeof s === 'string') ? (raw as string[]) : null;
  if (list === null) throw new ConfigError(`${name} must be a list of scopes like ["openid", "profile", "email"]`);
  const scopes = [...new Set(list.map((s) => s.trim()).filter((s) => s !== ''))];
  // Semaphore: no scopes means the default ones.
  if (scopes.length === 0) return DEFAULT_SCOPES;
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s));
  if (bad !== undefined) throw new ConfigError(`${name}: ${JSON.stringify(bad)} is not a valid scope`);
  if (!scopes.includes('openid')) throw new ConfigError(`${name} must include "openid" (without it there is no ID token to sign in with)`);
  return Object.freeze(scopes);
}

function claim(id: string, key: string, expression: string): ClaimExpression {
  try {
    return parseClaimExpression(expression);
  } catch (e) {
    throw new ConfigError(`${keyName(id, key)} ${(e as Error).message}, got ${JSON.stringify(expression)}`);
  }
}

function parseOrder(raw: unknown, name: string): number {
  if (raw === undefined || raw === '') return 0;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw new ConfigError(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** Hosts that never leave the machine: the only ones an `http://` issuer may have, and only with SEMAUTH_OIDC_ALLOW_HTTP. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Issuers over plain HTTP: refused, except on a loopback address with
 * SEMAUTH_OIDC_ALLOW_HTTP (tests, local development). Run once the whole
 * config is known.
 */
export function checkIssuerTransport(providers: readonly OidcProviderConfig[], allowHttp: boolean): void {
  for (const p of providers) {
    if (p.providerUrl.protocol === 'https:') continue;
    const name = keyName(p.id, 'provider_url');
    if (!isLoopbackHost(p.providerUrl.hostname)) {
      throw new ConfigError(`${name} must be an https:// URL: over plain HTTP anyone on the path could answer for ${p.providerUrl.host}`);
    }
    if (!allowHttp) {
      throw new ConfigError(`${name} is a plain http:// URL: that is only accepted on a loopback address with SEMAUTH_OIDC_ALLOW_HTTP=true (tests and local development)`);
    }
  }
}
