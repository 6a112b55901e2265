import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database } from '../schema.js';
import type { StorageStats, TokenRecord, TokenStore, UserRecord } from '../types.js';
import { preparedQuery } from './prepared.js';
import { USER_JOIN_COLUMNS, userFromJoin } from './users.js';

const nullableNumber = (v: number | null) => (v === null ? null : Number(v));

function toRecord(r: Selectable<ApiTokensTable>): TokenRecord {
  return {
    hash: r.token_hash,
    prefix: r.prefix,
    userId: Number(r.user_id),
    name: r.name,
    createdAt: Number(r.created_at),
    expiresAt: nullableNumber(r.expires_at),
    lastUsedAt: nullableNumber(r.last_used_at),
    revokedAt: nullableNumber(r.revoked_at),
  };
}

export class KyselyTokenStore implements TokenStore {
  private readonly byHash;
  /** Runs on every bearer request: compiled once. */
  private readonly byHashWithUser;

  constructor(private readonly db: Kysely<Database>, private readonly stats: StorageStats) {
    this.byHash = preparedQuery<Selectable<ApiTokensTable>, [string]>(db, 1, (hash) =>
      db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash),
    );
    this.byHashWithUser = preparedQuery(db, 1, (hash) =>
      db
        .selectFrom('api_tokens as t')
        .innerJoin('users as u', 'u.id', 't.user_id')
        .selectAll('t')
        .select(USER_JOIN_COLUMNS)
        .where('t.token_hash', '=', hash),
    );
  }

  async create(t: TokenRecord): Promise<void> {
    this.stats.writes++;
    await this.db
      .insertInto('api_tokens')
      .values({
        token_hash: t.hash,
        prefix: t.prefix,
        user_id: t.userId,
        name: t.name,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        last_used_at: t.lastUsedAt,
        revoked_at: t.revokedAt,
      })
      .execute();
  }

  async findByHash(hash: string): Promise<TokenRecord | undefined> {
    const [row] = await this.byHash(hash);
    return row && toRecord(row);
  }

  async findByHashWithUser(hash: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined> {
    const [row] = await this.byHashWithUser(hash);
    return row && { token: toRecord(row), user: userFromJoin(row) };
  }

  async listByUser(userId: number): Promise<TokenRecord[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('prefix')
      .execute();
    return rows.map(toRecord);
  }

  async findByPrefix(userId: number, prefix: string): Promise<TokenRecord[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).where('prefix', '=', prefix).execute();
    return rows.map(toRecord);
  }

  async revoke(hash: string, at: number): Promise<void> {
    this.stats.writes++;
    await this.db.updateTable('api_tokens').set({ revoked_at: at }).where('token_hash', '=', hash).where('revoked_at', 'is', null).execute();
  }

  async touch(hash: string, at: number): Promise<void> {
    this.stats.writes++;
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('token_hash', '=', hash).execute();
  }
}
