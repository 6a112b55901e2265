import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { AuditEntry, AuditStore, StorageStats } from '../types.js';

export class KyselyAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>, private readonly stats: StorageStats) {}

  async append(e: AuditEntry): Promise<void> {
    this.stats.writes++;
    await this.db
      .insertInto('audit_log')
      .values({
        at: e.at,
        event: e.event,
        user_id: e.userId,
        login: e.login,
        address: e.address,
        user_agent: e.userAgent,
        detail: e.detail ? JSON.stringify(e.detail) : null,
      })
      .execute();
  }

  async query(filter: { userId?: number; login?: string; since?: number; limit?: number }) {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (filter.userId !== undefined || filter.login !== undefined) {
      q = q.where((eb) => {
        const ors = [];
        if (filter.userId !== undefined) ors.push(eb('user_id', '=', filter.userId));
        if (filter.login !== undefined) ors.push(eb('login', '=', filter.login));
        return eb.or(ors);
      });
    }
    if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
    const rows = await q.orderBy('id', 'desc').limit(filter.limit ?? 1000).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      event: r.event,
      userId: r.user_id === null ? null : Number(r.user_id),
      login: r.login,
      address: r.address,
      userAgent: r.user_agent,
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    }));
  }

  async prune(before: number, limit?: number): Promise<number> {
    this.stats.writes++;
    let q = this.db.deleteFrom('audit_log');
    // A bounded batch keeps each delete (and the write lock it holds) short.
    q = limit === undefined
      ? q.where('at', '<', before)
      : q.where('id', 'in', this.db.selectFrom('audit_log').select('id').where('at', '<', before).orderBy('at').limit(limit));
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
