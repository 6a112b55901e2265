/**
 * The one secret of a sign-in in flight. It lives only in the browser's
 * state cookie; the database keeps its SHA-256 (the record's key), and the
 * values the flow needs are derived from it again at the callback:
 *
 *   state          = HMAC-SHA256(secret, "state")   sent to the provider, comes back in the callback URL
 *   nonce          = HMAC-SHA256(secret, "nonce")   the ID token must carry it
 *   code_verifier  = HMAC-SHA256(secret, "pkce")    PKCE S256; only its hash goes to the provider
 *
 * So a callback is accepted only from the browser that started the sign-in
 * (state bound to its cookie), a leaked authorization code is useless without
 * the cookie (PKCE), an ID token cannot be replayed into another sign-in
 * (nonce), and reading the database reveals none of the three.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { digestsEqual, sha256Hex } from '../../crypto/secrets.js';

export interface FlowSecret {
  /** The state cookie's value: 32 random bytes, base64url. */
  cookieValue: string;
  /** SHA-256 hex of the cookie value: the key of the sign-in's record. */
  key: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

function derive(secret: string, label: string): string {
  return createHmac('sha256', secret).update(label).digest('base64url');
}

function fromCookieValue(cookieValue: string): FlowSecret {
  return {
    cookieValue,
    key: sha256Hex(cookieValue),
    state: derive(cookieValue, 'state'),
    nonce: derive(cookieValue, 'nonce'),
    codeVerifier: derive(cookieValue, 'pkce'),
  };
}

export function newFlowSecret(): FlowSecret {
  return fromCookieValue(randomBytes(32).toString('base64url'));
}

/** The secret a state cookie holds, or null when the value cannot be one of ours. */
export function parseFlowSecret(cookieValue: string | null): FlowSecret | null {
  return cookieValue !== null && COOKIE_VALUE.test(cookieValue) ? fromCookieValue(cookieValue) : null;
}

/** Whether the callback's `state` is the one derived from this secret (constant time). */
export function stateMatches(secret: FlowSecret, state: unknown): boolean {
  return typeof state === 'string' && digestsEqual(sha256Hex(state), sha256Hex(secret.state));
}
