import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { StorageStats, ThrottleCount, ThrottleStore } from '../types.js';

/**
 * Failure counters live in the database, not in memory, so that every
 * instance sees the same budget and a restart does not reset it.
 */
export class KyselyThrottleStore implements ThrottleStore {
  constructor(private readonly db: Kysely<Database>, private readonly stats: StorageStats) {}

  async failures(keys: string[], since: number) {
    const out = new Map<string, ThrottleCount>();
    if (keys.length === 0) return out;
    const rows = await this.db
      .selectFrom('login_throttle')
      .selectAll()
      .where('key', 'in', keys)
      .where('window_started_at', '>=', since)
      .execute();
    for (const r of rows) out.set(r.key, { count: Number(r.failures), windowStartedAt: Number(r.window_started_at) });
    return out;
  }

  async recordFailure(keys: string[], now: number, since: number) {
    const out = new Map<string, ThrottleCount>();
    if (keys.length === 0) return out;
    this.stats.writes++;
    // One atomic upsert per key: a window that ended restarts at 1. RETURNING
    // gives each concurrent caller the count its own increment produced.
    const rows = await this.db
      .insertInto('login_throttle')
      .values(keys.map((key) => ({ key, failures: 1, window_started_at: now })))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql`case when login_throttle.window_started_at < ${since} then 1 else login_throttle.failures + 1 end`,
          window_started_at: sql`case when login_throttle.window_started_at < ${since} then ${now} else login_throttle.window_started_at end`,
        }),
      )
      .returning(['key', 'failures', 'window_started_at'])
      .execute();
    for (const r of rows) out.set(r.key, { count: Number(r.failures), windowStartedAt: Number(r.window_started_at) });
    return out;
  }

  async settleSuccess(clear: string, forgive: string): Promise<void> {
    this.stats.writes++;
    // The cleared counter gets a window start of 0, long over: `failures` no
    // longer reports it, the next failure restarts it at 1 from its own time,
    // and `prune` deletes it — exactly what deleting the row would do.
    const cleared = sql<boolean>`login_throttle.key = ${clear}`;
    await this.db
      .updateTable('login_throttle')
      .set({
        failures: sql`case when ${cleared} then 0 else login_throttle.failures - 1 end`,
        window_started_at: sql`case when ${cleared} then 0 else login_throttle.window_started_at end`,
      })
      .where('key', 'in', [clear, forgive])
      .where('failures', '>', 0)
      .execute();
  }

  async reset(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    this.stats.writes++;
    await this.db.deleteFrom('login_throttle').where('key', 'in', keys).execute();
  }

  async resetAccount(account: string): Promise<number> {
    this.stats.writes++;
    // A prefix match by substr, not LIKE: no wildcard escaping, no collation rules.
    const prefix = `${account}|`;
    const rows = await this.db
      .deleteFrom('login_throttle')
      .where(sql`substr(key, 1, ${prefix.length})`, '=', prefix)
      .returning('failures')
      .execute();
    // A successful login leaves its cleared counter behind (failures 0) until
    // maintenance prunes it: that is no failure to report.
    return rows.filter((r) => Number(r.failures) > 0).length;
  }

  async prune(before: number): Promise<number> {
    this.stats.writes++;
    const r = await this.db.deleteFrom('login_throttle').where('window_started_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
