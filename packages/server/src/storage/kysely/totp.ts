import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import type { Database, TotpEnrolmentsTable } from '../schema.js';
import type { StorageStats, TotpRecord, TotpStore } from '../types.js';
import { isUniqueViolation } from './errors.js';
import { serializable } from './transaction.js';

function toRecord(r: Selectable<TotpEnrolmentsTable>): TotpRecord {
  return {
    id: Number(r.id),
    userId: Number(r.user_id),
    secret: r.secret,
    createdAt: Number(r.created_at),
    confirmedAt: r.confirmed_at === null ? null : Number(r.confirmed_at),
    lastStep: r.last_step === null ? null : Number(r.last_step),
  };
}

/** Two starts racing for one user: the loser runs again and replaces the winner's pending enrolment. */
const START_ATTEMPTS = 3;

export class KyselyTotpStore implements TotpStore {
  constructor(private readonly db: Kysely<Database>, private readonly stats: StorageStats) {}

  async findByUser(userId: number): Promise<TotpRecord | undefined> {
    const row = await this.db.selectFrom('totp_enrolments').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row && toRecord(row);
  }

  async startEnrolment(userId: number, secret: string, at: number): Promise<TotpRecord> {
    this.stats.writes++;
    for (let attempt = 1; ; attempt++) {
      try {
        return await serializable(this.db, async (trx) => {
          // A write first: on SQLite it takes the write lock before anything is read.
          const pending = trx.selectFrom('totp_enrolments').select('id').where('user_id', '=', userId).where('confirmed_at', 'is', null);
          await trx.deleteFrom('totp_recovery_codes').where('totp_id', 'in', pending).execute();
          await trx.deleteFrom('totp_enrolments').where('user_id', '=', userId).where('confirmed_at', 'is', null).execute();
          const confirmed = await trx.selectFrom('totp_enrolments').select('id').where('user_id', '=', userId).executeTakeFirst();
          if (confirmed) throw new AppError('TOTP_ALREADY_ENABLED');
          const row = await trx
            .insertInto('totp_enrolments')
            .values({ user_id: userId, secret, created_at: at, confirmed_at: null, last_step: null })
            .returningAll()
            .executeTakeFirstOrThrow();
          return toRecord(row);
        });
      } catch (e) {
        if (attempt >= START_ATTEMPTS || !isUniqueViolation(e)) throw e;
      }
    }
  }

  async confirm(id: number, userId: number, step: number, at: number, recoveryCodeHashes: readonly string[]): Promise<boolean> {
    this.stats.writes++;
    return serializable(this.db, async (trx) => {
      const r = await trx
        .updateTable('totp_enrolments')
        .set({ confirmed_at: at, last_step: step })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      if (recoveryCodeHashes.length > 0) {
        await trx
          .insertInto('totp_recovery_codes')
          .values(recoveryCodeHashes.map((code_hash) => ({ totp_id: id, code_hash, used_at: null })))
          .execute();
      }
      await trx.updateTable('users').set({ totp_id: id }).where('id', '=', userId).execute();
      return true;
    });
  }

  async acceptStep(id: number, step: number): Promise<boolean> {
    this.stats.writes++;
    // One conditional update: of two requests with the same code, one moves the step.
    const r = await this.db
      .updateTable('totp_enrolments')
      .set({ last_step: step })
      .where('id', '=', id)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async useRecoveryCode(totpId: number, codeHash: string, at: number): Promise<boolean> {
    this.stats.writes++;
    const r = await this.db
      .updateTable('totp_recovery_codes')
      .set({ used_at: at })
      .where('totp_id', '=', totpId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async recoveryCodesLeft(totpId: number): Promise<number> {
    const r = await this.db
      .selectFrom('totp_recovery_codes')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('totp_id', '=', totpId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async remove(userId: number, at: number, id?: number): Promise<TotpRecord | undefined> {
    this.stats.writes++;
    return serializable(this.db, async (trx) => {
      let q = trx.deleteFrom('totp_enrolments').where('user_id', '=', userId);
      if (id !== undefined) q = q.where('id', '=', id);
      const gone = await q.returningAll().executeTakeFirst();
      if (!gone) return undefined;
      await trx.deleteFrom('totp_recovery_codes').where('totp_id', '=', gone.id).execute();
      await clearUserMark(trx, userId, Number(gone.id), at);
      return toRecord(gone);
    });
  }
}

/** The user has no confirmed enrolment any more, and their sessions waiting for a code end (none can pass now). */
async function clearUserMark(trx: Transaction<Database>, userId: number, totpId: number, at: number): Promise<void> {
  await trx.updateTable('users').set({ totp_id: null }).where('id', '=', userId).where('totp_id', '=', totpId).execute();
  await trx
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('second_factor', '=', 'pending')
    .where('revoked_at', 'is', null)
    .execute();
}
