/**
 * Migration 0006 (two-factor sign-in with TOTP, SPEC §10), kept apart from
 * migrations.ts only for length: it is part of the same history, and never
 * edited once shipped.
 *
 * - `sessions.second_factor`: where a session stands with the second factor
 *   (storage/types.ts SecondFactorState). Sessions from before have no TOTP
 *   step to take: `none`.
 * - `users.totp_id`: the user's confirmed enrolment, so that the lookup every
 *   cookie request makes (session joined to its user, cached) already knows
 *   whether the user has TOTP. On PostgreSQL both columns are covered by the
 *   `auth_epoch` triggers of 0004 (any change to `users`; any change to
 *   `sessions` but its "last active" time): confirming, disabling and
 *   passing the code step reach every instance's cache like a revocation.
 * - `totp_enrolments`: one per user, pending or confirmed; the secret sealed.
 * - `totp_recovery_codes`: SHA-256 digests of a confirmed enrolment's codes.
 */
import type { Kysely, Migration } from 'kysely';

export function totpMigration(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('sessions').addColumn('second_factor', 'text', (c) => c.notNull().defaultTo('none')).execute();
      await db.schema.alterTable('users').addColumn('totp_id', 'integer').execute();

      const table = db.schema.createTable('totp_enrolments');
      await (dialect === 'postgres'
        ? table.addColumn('id', 'serial', (c) => c.primaryKey())
        : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      )
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('confirmed_at', 'bigint')
        .addColumn('last_step', 'bigint')
        .execute();
      // One enrolment per user: a second start replaces a pending one, and is refused beside a confirmed one.
      await db.schema.createIndex('totp_enrolments_user').unique().on('totp_enrolments').column('user_id').execute();

      await db.schema
        .createTable('totp_recovery_codes')
        .addColumn('totp_id', 'integer', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addPrimaryKeyConstraint('totp_recovery_codes_pk', ['totp_id', 'code_hash'])
        .execute();
    },
  };
}
