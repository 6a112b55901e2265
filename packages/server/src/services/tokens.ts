/**
 * Personal API tokens. The secret is shown once, at creation; the database
 * keeps only its SHA-256. Listed ids are the first 8 characters. `last used`
 * is recorded at most once per TOUCH_INTERVAL_MS per token.
 */
import {
  API_TOKEN_PATTERN,
  TOKEN_PREFIX_PATTERN,
  newApiToken,
  normaliseApiToken,
  sha256Hex,
  tokenPrefix,
} from '../crypto/secrets.js';
import { AppError } from '../errors.js';
import { unprintableCharacter } from '../identity.js';
import type { TokenRecord, TokenStore, UserRecord } from '../storage/types.js';
import type { AuditService } from './audit.js';
import type { Clock, ClientContext } from './context.js';
import { TOUCH_INTERVAL_MS } from './sessions.js';

export const MAX_TOKEN_NAME_LENGTH = 255;
/** Longer bearer values cannot be tokens; refuse them before hashing. */
const MAX_PRESENTED_TOKEN_LENGTH = 512;

/**
 * What any token id could be made of, in any system (SPEC §1): Semaphore's
 * base32 and base64url tokens, their 8-character ids, other servers' hex or
 * base64 ids. Only an id outside this — empty, longer than 256 characters,
 * or with another character once percent-decoded — is malformed (400); any
 * other id that names none of the caller's tokens is simply not found (404),
 * which clients read as "already gone".
 */
export const MAX_TOKEN_ID_LENGTH = 256;
const TOKEN_ID_CHARACTERS = /^[A-Za-z0-9._~=+/-]+$/;

export function isWellFormedTokenId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_TOKEN_ID_LENGTH && TOKEN_ID_CHARACTERS.test(id);
}

export interface NewTokenOptions {
  name?: string;
  expiresAt?: number | null;
}

export class TokenService {
  constructor(
    private readonly tokens: TokenStore,
    private readonly audit: AuditService,
    private readonly now: Clock,
  ) {}

  /** Creates a token; `secret` is the whole token, to be shown once. */
  async create(owner: UserRecord, opts: NewTokenOptions, ctx: ClientContext): Promise<{ secret: string; record: TokenRecord }> {
    const now = this.now();
    const name = opts.name ?? '';
    // The same printable-text rule as user names (identity.ts): no controls, no invisible characters.
    if (name.length > MAX_TOKEN_NAME_LENGTH || unprintableCharacter(name) !== null) {
      throw new AppError('INVALID_TOKEN_OPTIONS', `Token names are at most ${MAX_TOKEN_NAME_LENGTH} printable characters.`);
    }
    if (opts.expiresAt != null && opts.expiresAt <= now) {
      throw new AppError('INVALID_TOKEN_OPTIONS', '"expires_at" must be in the future.');
    }
    const secret = newApiToken();
    const record: TokenRecord = {
      hash: sha256Hex(secret),
      prefix: tokenPrefix(secret),
      userId: owner.id,
      name,
      createdAt: now,
      expiresAt: opts.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.tokens.create(record);
    // The audit trail names the token by its listed id, never by the secret.
    await this.audit.record('token.created', ctx, { userId: owner.id, login: owner.username, detail: { token_id: record.prefix } });
    return { secret, record };
  }

  list(userId: number): Promise<TokenRecord[]> {
    return this.tokens.listByUser(userId);
  }

  isExpired(t: TokenRecord, now = this.now()): boolean {
    return t.expiresAt !== null && now >= t.expiresAt;
  }

  /**
   * Revokes one of the caller's tokens, named by the whole token or its
   * 8-character listed id. Revoking an already revoked token succeeds again
   * (idempotent DELETE). The audit entry names it by its listed id.
   * Throws INVALID_TOKEN_ID only for ids that are not well formed (see
   * isWellFormedTokenId), TOKEN_NOT_FOUND for every other id that matches
   * none of the owner's tokens, TOKEN_AMBIGUOUS for a listed id shared by
   * several live ones.
   */
  async revoke(owner: UserRecord, id: string, ctx: ClientContext): Promise<void> {
    const prefix = await this.revokeOwn(owner.id, id);
    await this.audit.record('token.revoked', ctx, { userId: owner.id, login: owner.username, detail: { token_id: prefix } });
  }

  private async revokeOwn(userId: number, id: string): Promise<string> {
    if (!isWellFormedTokenId(id)) throw new AppError('INVALID_TOKEN_ID');
    const value = normaliseApiToken(id);
    if (API_TOKEN_PATTERN.test(value)) {
      const t = await this.tokens.findByHash(sha256Hex(value));
      if (!t || t.userId !== userId) throw new AppError('TOKEN_NOT_FOUND');
      if (t.revokedAt === null) await this.tokens.revoke(t.hash, this.now());
      return t.prefix;
    }
    // Neither a whole token nor a listed id of ours: another system's id, a
    // typo, a token already deleted — none of the caller's tokens.
    if (!TOKEN_PREFIX_PATTERN.test(value)) throw new AppError('TOKEN_NOT_FOUND');
    const matches = await this.tokens.findByPrefix(userId, value);
    const live = matches.filter((t) => t.revokedAt === null);
    if (live.length > 1) throw new AppError('TOKEN_AMBIGUOUS');
    if (live.length === 1) {
      await this.tokens.revoke(live[0]!.hash, this.now());
      return value;
    }
    if (matches.length > 0) return value;
    throw new AppError('TOKEN_NOT_FOUND');
  }

  /** The token's user, or null for unknown, revoked, expired tokens and disabled users. */
  async authenticate(presented: string): Promise<{ user: UserRecord; token: TokenRecord } | null> {
    if (presented.length === 0 || presented.length > MAX_PRESENTED_TOKEN_LENGTH) return null;
    const found = await this.tokens.findByHashWithUser(sha256Hex(normaliseApiToken(presented)));
    if (!found) return null;
    const { token: t, user } = found;
    const now = this.now();
    if (t.revokedAt !== null || this.isExpired(t, now) || user.disabled) return null;
    if (t.lastUsedAt === null || now - t.lastUsedAt >= TOUCH_INTERVAL_MS) await this.tokens.touch(t.hash, now);
    return { user, token: t };
  }
}
