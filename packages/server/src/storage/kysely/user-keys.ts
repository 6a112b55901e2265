/**
 * The identity-key registry (table user_keys, see schema.ts): claiming keys
 * for a user and releasing them, inside the caller's transaction. Its primary
 * key is what makes a login unique against every login and e-mail, and an
 * e-mail against every login, even when two creations race.
 */
import type { Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import type { Database } from '../schema.js';

/** A user's keys: login first, e-mail second; one entry when they are the same identity. */
export function distinctKeys(loginKey: string, emailKey: string): string[] {
  return loginKey === emailKey ? [loginKey] : [loginKey, emailKey];
}

/**
 * Records `keys` as the user's. A key anyone holds already (or a shared one
 * nobody holds) fails the whole transaction with USER_EXISTS, naming the
 * value (`labels[key]`) that collided.
 */
export async function claimKeys(trx: Transaction<Database>, userId: number, keys: string[], labels: Map<string, string>): Promise<void> {
  for (const key of keys) {
    // DO NOTHING + RETURNING tells "taken" without aborting the transaction
    // (PostgreSQL aborts it on a unique violation), and waits for a
    // concurrent claim of the same key to commit or roll back.
    const claimed = await trx
      .insertInto('user_keys')
      .values({ key, user_id: userId })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      throw new AppError(
        'USER_EXISTS',
        `${labels.get(key) ?? 'This login or e-mail'} is already taken: logins and e-mails are unique regardless of case and Unicode form, and no login may be another user's e-mail.`,
      );
    }
  }
}

/**
 * Gives up `key` for `userId`, whose row has already been changed or deleted.
 * A key shared since before keys existed (no user) goes to its last
 * remaining claimant, or away when none is left.
 */
export async function releaseKey(trx: Transaction<Database>, userId: number, key: string): Promise<void> {
  const own = await trx.deleteFrom('user_keys').where('key', '=', key).where('user_id', '=', userId).executeTakeFirst();
  if (Number(own.numDeletedRows) > 0) return;
  const claimants = await trx
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('login_key', '=', key), eb('email_key', '=', key)]))
    .limit(2)
    .execute();
  if (claimants.length === 0) {
    await trx.deleteFrom('user_keys').where('key', '=', key).where('user_id', 'is', null).execute();
  } else if (claimants.length === 1) {
    await trx.updateTable('user_keys').set({ user_id: Number(claimants[0]!.id) }).where('key', '=', key).where('user_id', 'is', null).execute();
  }
}

/** Moves a user from the keys `before` to the keys `after`: released ones first, so a swap of login and e-mail does not collide with itself. */
export async function moveKeys(trx: Transaction<Database>, userId: number, before: string[], after: string[], labels: Map<string, string>): Promise<void> {
  for (const key of before) if (!after.includes(key)) await releaseKey(trx, userId, key);
  await claimKeys(
    trx,
    userId,
    after.filter((key) => !before.includes(key)),
    labels,
  );
}
