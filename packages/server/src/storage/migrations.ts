/**
 * The schema history, shared by both dialects. Only the auto-increment key
 * differs; everything else is plain SQL both engines accept. Never edit a
 * migration that has shipped: add a new one.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { identityKey } from '../identity.js';

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

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      return { '0001_initial': initial(dialect), '0002_identity_keys': identityKeys(), '0005_oidc_states': oidcStates() };
    },
  };
}
