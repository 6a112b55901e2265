import type { Kysely, Selectable } from 'kysely';
import type { Database, OidcStatesTable } from '../schema.js';
import type { OidcStateRecord, OidcStateStore, StorageStats } from '../types.js';

function toRecord(r: Selectable<OidcStatesTable>): OidcStateRecord {
  return {
    id: r.id,
    provider: r.provider,
    redirectUri: r.redirect_uri,
    returnTo: r.return_to,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
  };
}

/**
 * OIDC sign-ins in flight. Consuming is one `DELETE … RETURNING`: the row
 * lock (PostgreSQL) or the single writer (SQLite) lets exactly one of
 * concurrent callbacks have it, whichever instance each reached.
 */
export class KyselyOidcStateStore implements OidcStateStore {
  constructor(private readonly db: Kysely<Database>, private readonly stats: StorageStats) {}

  async create(s: OidcStateRecord): Promise<void> {
    this.stats.writes++;
    await this.db
      .insertInto('oidc_states')
      .values({ id: s.id, provider: s.provider, redirect_uri: s.redirectUri, return_to: s.returnTo, created_at: s.createdAt, expires_at: s.expiresAt })
      .execute();
  }

  async consume(id: string): Promise<OidcStateRecord | undefined> {
    this.stats.writes++;
    const row = await this.db.deleteFrom('oidc_states').where('id', '=', id).returningAll().executeTakeFirst();
    return row && toRecord(row);
  }

  async prune(before: number): Promise<number> {
    this.stats.writes++;
    const r = await this.db.deleteFrom('oidc_states').where('expires_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
