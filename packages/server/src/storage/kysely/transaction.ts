/**
 * Transactions whose rules span several rows — identity keys unique across
 * logins and e-mails, "at least one administrator remains" — and must hold
 * when two writers run at once. SERIALIZABLE on PostgreSQL turns every such
 * race into a serialization failure instead of a silent write skew (two
 * demotions each seeing the other's admin); SQLite transactions are
 * serializable anyway. The loser is run again from the start, so it re-reads
 * what the winner committed and then decides.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { isSerializationFailure } from './errors.js';

const MAX_ATTEMPTS = 8;

export async function serializable<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel('serializable').execute(fn);
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS || !isSerializationFailure(e)) throw e;
      // A short random pause, growing, so that the same racers do not meet again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
