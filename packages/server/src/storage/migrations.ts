/**
 * The schema history, shared by both dialects. Only the auto-increment key
 * differs; everything else is plain SQL both engines accept. Never edit a
 * migration that has shipped: add a new one.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

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

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      return { '0001_initial': initial(dialect) };
    },
  };
}
