/**
 * The schema history, shared by both dialects. Only the auto-increment key
 * differs; everything else is plain SQL both engines accept. Never edit a
 * migration that has shipped: add a new one.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { identityKey } from '../identity.js';
import { totpMigration } from './migration-totp.js';

type Dialect = 'sqlite' | 'postgres';

/** The database holds a migration this release does not know: a later release migrated it. */
export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';
  constructor(readonly migration: string) {
    super(
      `the database was migrated by a later semauth release (its migration ${migration} is unknown to this one): ` +
        'run that release or a later one, or restore a backup made before the upgrade',
    );
  }
}

function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const serialId = (name: string) =>
        dialect === 'postgres'
          ? db.schema.createTable(name).addColumn('id', 'serial', (c) => c.primaryKey())
          : db.schema.createTable(name).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

      await serialId('users')
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('external', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('alert', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_username_lower').unique().on('users').expression(sql`lower(username)`).execute();
      await db.schema.createIndex('users_email_lower').unique().on('users').expression(sql`lower(email)`).execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_active_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('api_tokens_user_prefix').on('api_tokens').columns(['user_id', 'prefix']).execute();

      await db.schema
        .createTable('login_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('window_started_at', 'bigint', (c) => c.notNull())
        .execute();

      await serialId('audit_log')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer')
        .addColumn('login', 'text')
        .addColumn('address', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
  };
}

/** Rows per INSERT when backfilling (well under either engine's limit on bound parameters). */
const BACKFILL_BATCH = 500;

/**
 * Identity keys (identity.ts): Unicode-aware, case-insensitive uniqueness of
 * logins and e-mails together, on both dialects. 0001's unique lower()
 * indexes folded ASCII only on SQLite and kept logins and e-mails apart.
 *
 * Existing rows may already collide (`Ünal` and `ünal`; a login that is
 * another user's e-mail). Such a key is recorded with no user: it signs in
 * nobody — neither account can be reached through it, so nobody is signed
 * in to the other's account — until an operator renames all but one
 * (`semauth migrate` and the server's start list them; UserStore.update
 * hands the key to the last one left). Accounts are never merged, and the
 * migration never fails on such data.
 *
 * Uses identityKey as it is when this migration runs; a later change of that
 * function needs its own migration to recompute the keys.
 */
/** The tables 0002 reads and writes, as they are at that point (not today's types, which move on). */
interface SchemaAt0002 {
  users: { id: number; username: string; email: string; login_key: string | null; email_key: string | null };
  user_keys: { key: string; user_id: number | null };
}

function identityKeys(): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<SchemaAt0002>;
      await db.schema.alterTable('users').addColumn('login_key', 'text').execute();
      await db.schema.alterTable('users').addColumn('email_key', 'text').execute();
      await db.schema
        .createTable('user_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer')
        .execute();
      await db.schema.createIndex('user_keys_user').on('user_keys').column('user_id').execute();

      const claimants = new Map<string, Set<number>>();
      const users = await db.selectFrom('users').select(['id', 'username', 'email']).orderBy('id').execute();
      for (const u of users) {
        const id = Number(u.id);
        const keys = { login_key: identityKey(u.username), email_key: identityKey(u.email) };
        await db.updateTable('users').set(keys).where('id', '=', id).execute();
        for (const key of [keys.login_key, keys.email_key]) {
          let ids = claimants.get(key);
          if (!ids) claimants.set(key, (ids = new Set()));
          ids.add(id);
        }
      }
      const rows = [...claimants].map(([key, ids]) => ({ key, user_id: ids.size === 1 ? [...ids][0]! : null }));
      for (let i = 0; i < rows.length; i += BACKFILL_BATCH) {
        await db.insertInto('user_keys').values(rows.slice(i, i + BACKFILL_BATCH)).execute();
      }

      // Claimants of a shared key are found by these (UserStore.update, identityConflicts).
      await db.schema.createIndex('users_login_key').on('users').column('login_key').execute();
      await db.schema.createIndex('users_email_key').on('users').column('email_key').execute();
      await db.schema.dropIndex('users_username_lower').execute();
      await db.schema.dropIndex('users_email_lower').execute();
    },
  };
}

/**
 * Where a session signed in — the client address and User-Agent — so that
 * its user can recognise it in GET /user/sessions. Nullable: sessions from
 * before this migration have neither.
 */
function sessionDetails(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('sessions').addColumn('address', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
    },
  };
}

/**
 * OIDC sign-ins in flight (auth-methods/oidc/): one row from the start of a
 * sign-in to its callback, consumed there (or pruned once expired). No secret
 * is stored: the key is a hash of the browser's state cookie.
 */
function oidcStates(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oidc_states')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('return_to', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('oidc_states_expires').on('oidc_states').column('expires_at').execute();
    },
  };
}

/**
 * PostgreSQL: what keeps every instance's auth cache exact (pg-lease.ts).
 *
 * `auth_epoch` is one counter that the database itself moves, in the same
 * transaction, whenever a row that authentication reads may have changed:
 * any change to `users`, any change to `api_tokens` or `sessions` other
 * than their "last used" time, and deletes and truncates of the three.
 * Inserts do not move it (a cache never holds a row that did not exist).
 * Each move also notifies the channel `semauth_auth_epoch` with the new
 * value, so that every instance drops its cache when the commit happens.
 * Triggers rather than code in the stores, so that no write can skip them:
 * not a store method added later, not the CLI, not an older semauth during
 * a rolling upgrade, not an operator's psql.
 *
 * The move is a deferred constraint trigger: it runs once per transaction,
 * as its last step before commit. So the lock on the counter row, which
 * orders the moves, is always the last lock a transaction takes and is held
 * only while it commits: a transaction waiting for it never holds it back
 * from anyone, and no deadlock can form around it.
 *
 * `auth_cache_leases` has one row per process whose cache is in use: until
 * when it may serve from that cache, and the latest value it has dropped
 * its cache for. A revocation answers only when every unexpired lease has
 * caught up with it.
 *
 * SQLite needs none of this: its cache watches `PRAGMA data_version`, which
 * every commit by another connection moves.
 */
function authEpoch(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql`create table auth_epoch (id integer primary key check (id = 1), value bigint not null)`.execute(db);
      await sql`insert into auth_epoch (id, value) values (1, 0)`.execute(db);
      await sql`
        create table auth_cache_leases (
          instance text primary key,
          expires_at timestamptz not null,
          seen_epoch bigint not null
        )`.execute(db);
      // Once per transaction: a transaction-local setting remembers that it moved.
      await sql`
        create function semauth_move_auth_epoch() returns trigger language plpgsql as $$
        declare
          moved bigint;
        begin
          if current_setting('semauth.auth_epoch_moved', true) is distinct from 'yes' then
            update auth_epoch set value = value + 1 where id = 1 returning value into moved;
            perform pg_notify('semauth_auth_epoch', moved::text);
            perform set_config('semauth.auth_epoch_moved', 'yes', true);
          end if;
          return null;
        end $$`.execute(db);
      const changed = {
        users: sql`old.* is distinct from new.*`,
        // Touches ("last used", at most once a minute) change nothing a cache must drop.
        api_tokens: sql`to_jsonb(old) - 'last_used_at' is distinct from to_jsonb(new) - 'last_used_at'`,
        sessions: sql`to_jsonb(old) - 'last_active_at' is distinct from to_jsonb(new) - 'last_active_at'`,
      };
      for (const [table, when] of Object.entries(changed)) {
        const t = sql.table(table);
        await sql`
          create constraint trigger ${sql.id(`${table}_auth_epoch_update`)} after update on ${t}
          deferrable initially deferred for each row when (${when}) execute function semauth_move_auth_epoch()`.execute(db);
        await sql`
          create constraint trigger ${sql.id(`${table}_auth_epoch_delete`)} after delete on ${t}
          deferrable initially deferred for each row execute function semauth_move_auth_epoch()`.execute(db);
        await sql`
          create trigger ${sql.id(`${table}_auth_epoch_truncate`)} after truncate on ${t}
          for each statement execute function semauth_move_auth_epoch()`.execute(db);
      }
    },
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      return {
        '0001_initial': initial(dialect),
        '0002_identity_keys': identityKeys(),
        '0003_oidc_states': oidcStates(),
        '0004_auth_epoch': authEpoch(dialect),
        '0005_session_details': sessionDetails(),
        '0006_totp': totpMigration(dialect),
      };
    },
  };
}
