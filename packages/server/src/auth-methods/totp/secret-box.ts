/**
 * TOTP secrets at rest: sealed with AES-256-GCM under the server's secret
 * key (SEMAUTH_SECRET_KEY or SEMAUTH_SECRET_KEY_FILE), never stored plain.
 * A copy of the database alone (a backup, a dump, a read-only SQL
 * injection) then yields no secret from which codes could be computed.
 *
 * A sealed value is `v1.<key id>.<iv>.<ciphertext and tag>` (base64url):
 * a fresh 96-bit IV per seal; the key id (first bytes of a SHA-256 of the
 * key) tells a wrong key from a damaged value; the user id is bound in as
 * additional data, so a sealed secret copied onto another user's row does
 * not open there.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/parsers.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The key as an operator writes it: 32 bytes in base64 (44 characters,
 * what `openssl rand -base64 32` prints) or in hex (64 characters).
 * Throws a plain Error that never repeats the value.
 */
export function decodeKey(text: string): Buffer {
  const t = text.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key === null || key.length !== 32) {
    throw new Error('must be 32 random bytes in base64 (44 characters, e.g. from `openssl rand -base64 32`) or in hex (64 characters)');
  }
  return key;
}

/** Where the key comes from, as the settings name it. */
export interface KeySource {
  /** SEMAUTH_SECRET_KEY's value ('' when unset). */
  value: string;
  /** SEMAUTH_SECRET_KEY_FILE's path ('' when unset). */
  file: string;
}

/** Reads the key; a ConfigError names the setting (never the value) when it is missing or malformed. */
export function loadKey(source: KeySource): Buffer {
  if (source.value !== '') {
    try {
      return decodeKey(source.value);
    } catch (e) {
      throw new ConfigError(`SEMAUTH_SECRET_KEY / secret_key ${(e as Error).message}`);
    }
  }
  if (source.file === '') {
    throw new ConfigError('two-factor sign-in (SEMAPHORE_TOTP_ENABLED) needs a secret key: set SEMAUTH_SECRET_KEY or SEMAUTH_SECRET_KEY_FILE');
  }
  let text: string;
  try {
    text = readFileSync(source.file, 'utf8');
  } catch (e) {
    throw new ConfigError(`SEMAUTH_SECRET_KEY_FILE / secret_key_file ${source.file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return decodeKey(text);
  } catch (e) {
    throw new ConfigError(`SEMAUTH_SECRET_KEY_FILE / secret_key_file ${source.file}: the key ${(e as Error).message}`);
  }
}

/** A sealed value this key cannot open: another key sealed it, or it was altered. */
export class SealError extends Error {
  override name = 'SealError';
}

export class SecretBox {
  private readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('AES-256 needs a 32-byte key');
    this.keyId = createHash('sha256').update('semauth secret key id').update(key).digest('base64url').slice(0, 8);
  }

  seal(plain: string, userId: number): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(userId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.keyId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, userId: number): string {
    const [version, keyId, iv, body, ...rest] = sealed.split('.');
    if (version !== VERSION || iv === undefined || body === undefined || rest.length > 0) throw new SealError('not a sealed TOTP secret');
    if (keyId !== this.keyId) throw new SealError('sealed with another secret key (SEMAUTH_SECRET_KEY changed?)');
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length <= TAG_BYTES) throw new SealError('not a sealed TOTP secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(userId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('the sealed TOTP secret does not open: altered, or not this user\'s');
    }
  }
}

function aad(userId: number): Buffer {
  return Buffer.from(`semauth totp secret of user ${userId}`, 'utf8');
}
