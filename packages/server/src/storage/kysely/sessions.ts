import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../schema.js';
import type { SecondFactorState, SessionRecord, SessionStore, StorageStats, UserRecord } from '../types.js';
import { preparedQuery } from './prepared.js';
import { USER_JOIN_COLUMNS, userFromJoin } from './users.js';

function toRecord(r: Selectable<SessionsTable>): SessionRecord {
  return {
    id: r.id,
    secretHash: r.secret_hash,
    userId: Number(r.user_id),
    createdAt: Number(r.created_at),
    lastActiveAt: Number(r.last_active_at),
    expiresAt: Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    address: r.address,
    userAgent: r.user_agent,
    secondFactor: r.second_factor as SecondFactorState,
  };
}

export class KyselySessionStore implements SessionStore {
  private readonly byId;
  /** Runs on every cookie request: compiled once. */
  private readonly byIdWithUser;

  constructor(private readonly db: Kysely<Database>, private readonly stats: StorageStats) {
    this.byId = preparedQuery<Selectable<SessionsTable>, [string]>(db, 1, (id) => db.selectFrom('sessions').selectAll().where('id', '=', id));
    this.byIdWithUser = preparedQuery(db, 1, (id) =>
      db.selectFrom('sessions as s').innerJoin('users as u', 'u.id', 's.user_id').selectAll('s').select(USER_JOIN_COLUMNS).where('s.id', '=', id),
    );
  }

  async create(s: SessionRecord): Promise<void> {
    this.stats.writes++;
    await this.db
      .insertInto('sessions')
      .values({
        id: s.id,
        secret_hash: s.secretHash,
        user_id: s.userId,
        created_at: s.createdAt,
        last_active_at: s.lastActiveAt,
        expires_at: s.expiresAt,
        revoked_at: s.revokedAt,
        address: s.address,
        user_agent: s.userAgent,
        second_factor: s.secondFactor,
      })
      .execute();
  }

  async findById(id: string): Promise<SessionRecord | undefined> {
    const [row] = await this.byId(id);
    return row && toRecord(row);
  }

  async findByIdWithUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
    const [row] = await this.byIdWithUser(id);
    return row && { session: toRecord(row), user: userFromJoin(row) };
  }

  async touch(id: string, at: number): Promise<void> {
    this.stats.writes++;
    await this.db.updateTable('sessions').set({ last_active_at: at }).where('id', '=', id).execute();
  }

  async revoke(id: string, at: number): Promise<void> {
    this.stats.writes++;
    await this.db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  async passSecondFactor(id: string): Promise<boolean> {
    this.stats.writes++;
    const r = await this.db
      .updateTable('sessions')
      .set({ second_factor: 'passed' })
      .where('id', '=', id)
      .where('second_factor', '=', 'pending')
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async listByUser(userId: number): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async revokeAllForUser(userId: number, at: number, exceptId?: string): Promise<number> {
    this.stats.writes++;
    let q = this.db.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async prune(before: number): Promise<number> {
    this.stats.writes++;
    const r = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
