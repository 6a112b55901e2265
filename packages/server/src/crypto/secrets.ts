/**
 * Generation and hashing of bearer secrets (API tokens, session cookies).
 * Only SHA-256 digests are ever stored: the secrets have 192+ bits of entropy,
 * so a fast hash is enough (a slow KDF is for low-entropy passwords).
 */
import * as nodeCrypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';

/** Semaphore's token shape: 32 CSPRNG bytes, base64url *with* padding, lower-cased (44 chars). */
export function newApiToken(): string {
  return randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').toLowerCase();
}

/** Tokens are matched case-insensitively (Semaphore's are lower-case). */
export function normaliseApiToken(token: string): string {
  return token.toLowerCase();
}

/** Listed id of a token: its first 8 characters, as Semaphore ≥ 2.15 shows. */
export function tokenPrefix(token: string): string {
  return token.slice(0, 8);
}

export const API_TOKEN_PATTERN = /^[a-z0-9_=-]{44}$/;
export const TOKEN_PREFIX_PATTERN = /^[a-z0-9_=-]{8}$/;

/**
 * One-shot hashing (Node ≥ 20.12) costs a third of a Hash object, and every
 * authenticated request hashes its credential. Older Node 20 lacks it.
 */
const oneShotHash: typeof nodeCrypto.hash | undefined = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

export function sha256Hex(text: string): string {
  if (oneShotHash) return oneShotHash('sha256', text, 'hex');
  return createHash('sha256').update(text).digest('hex');
}

/** A session credential `<id>.<secret>`: the id locates the row, the secret proves possession. */
export function newSessionCredential(): { id: string; secret: string; cookieValue: string } {
  const id = randomBytes(12).toString('base64url');
  const secret = randomBytes(24).toString('base64url');
  return { id, secret, cookieValue: `${id}.${secret}` };
}

export const SESSION_COOKIE_PATTERN = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{32})$/;
/** The public half of a session cookie: what names a session in lists and URLs. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;

export function parseSessionCredential(value: string): { id: string; secret: string } | null {
  const m = SESSION_COOKIE_PATTERN.exec(value);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/**
 * Equality of two hex digests (sha256Hex outputs) in a time that does not
 * depend on where they differ. A loop without an early exit rather than
 * crypto.timingSafeEqual: decoding both to Buffers first cost every cookie
 * request more than the rest of its session check, and what is compared
 * here are digests of secrets, never the secrets themselves.
 */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
