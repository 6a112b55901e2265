import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import { identityKey } from '../../identity.js';
import type { Database, UsersTable } from '../schema.js';
import type { CredentialsEnded, IdentityConflict, NewUser, StorageStats, UserPatch, UserRecord, UserStore, UserWriteOptions } from '../types.js';
import { serializable } from './transaction.js';
import { claimKeys, distinctKeys, moveKeys, releaseKey } from './user-keys.js';

/** The columns a UserRecord is made of (the identity keys stay in storage). */
type UserColumns = Omit<Selectable<UsersTable>, 'login_key' | 'email_key'>;

export function toUserRecord(r: UserColumns): UserRecord {
  return {
    id: Number(r.id),
    username: r.username,
    name: r.name,
    email: r.email,
    passwordHash: r.password_hash,
    admin: Boolean(r.admin),
    external: Boolean(r.external),
    alert: Boolean(r.alert),
    disabled: Boolean(r.disabled),
    createdAt: Number(r.created_at),
    totpId: r.totp_id === null ? null : Number(r.totp_id),
  };
}

/** The users columns a join selects (tokens and sessions joined to their user), aliased `u_*`. */
export const USER_JOIN_COLUMNS = [
  'u.id as u_id',
  'u.username as u_username',
  'u.name as u_name',
  'u.email as u_email',
  'u.password_hash as u_password_hash',
  'u.admin as u_admin',
  'u.external as u_external',
  'u.alert as u_alert',
  'u.disabled as u_disabled',
  'u.created_at as u_created_at',
  'u.totp_id as u_totp_id',
] as const;

type UserJoinRow = { [K in keyof UserColumns as `u_${K & string}`]: UserColumns[K] };

export function userFromJoin(r: UserJoinRow): UserRecord {
  return toUserRecord({
    id: r.u_id,
    username: r.u_username,
    name: r.u_name,
    email: r.u_email,
    password_hash: r.u_password_hash,
    admin: r.u_admin,
    external: r.u_external,
    alert: r.u_alert,
    disabled: r.u_disabled,
    created_at: r.u_created_at,
    totp_id: r.u_totp_id,
  });
}

function toRow(u: UserPatch): Partial<Omit<UsersTable, 'id' | 'login_key' | 'email_key'>> {
  const row: Partial<Omit<UsersTable, 'id' | 'login_key' | 'email_key'>> = {};
  if (u.username !== undefined) row.username = u.username;
  if (u.name !== undefined) row.name = u.name;
  if (u.email !== undefined) row.email = u.email;
  if (u.passwordHash !== undefined) row.password_hash = u.passwordHash;
  if (u.admin !== undefined) row.admin = u.admin ? 1 : 0;
  if (u.external !== undefined) row.external = u.external ? 1 : 0;
  if (u.alert !== undefined) row.alert = u.alert ? 1 : 0;
  if (u.disabled !== undefined) row.disabled = u.disabled ? 1 : 0;
  return row;
}

export class KyselyUserStore implements UserStore {
  constructor(private readonly db: Kysely<Database>, private readonly stats: StorageStats) {}

  /** The user row and its keys in one transaction: two racing creations of one identity cannot both win. */
  async create(user: NewUser): Promise<UserRecord> {
    const keys = { login_key: identityKey(user.username), email_key: identityKey(user.email) };
    this.stats.writes++;
    return serializable(this.db, async (trx) => {
      const row = await trx
        .insertInto('users')
        .values({ ...(toRow(user) as Omit<UsersTable, 'id' | 'created_at' | 'login_key' | 'email_key'>), ...keys, created_at: user.createdAt })
        .returningAll()
        .executeTakeFirstOrThrow();
      await claimKeys(trx, Number(row.id), distinctKeys(keys.login_key, keys.email_key), keyLabels(user));
      return toUserRecord(row);
    });
  }

  async findById(id: number): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUserRecord(row);
  }

  async findByLogin(login: string): Promise<UserRecord | undefined> {
    // No login or e-mail holds a NUL (identity.ts refuses controls), and PostgreSQL
    // text cannot carry one: asking would fail the query instead of finding nobody.
    if (login.includes('\u0000')) return undefined;
    // Through the registry: a key shared by several accounts has no user and finds nobody.
    const row = await this.db
      .selectFrom('user_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .selectAll('u')
      .where('k.key', '=', identityKey(login))
      .executeTakeFirst();
    return row && toUserRecord(row);
  }

  async list(): Promise<UserRecord[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUserRecord);
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async update(id: number, patch: UserPatch, opts: UserWriteOptions = {}): Promise<CredentialsEnded> {
    const row = toRow(patch);
    const nothingEnded: CredentialsEnded = { sessions: 0, tokens: 0 };
    if (Object.keys(row).length === 0) return nothingEnded;
    this.stats.writes++;
    const renames = patch.username !== undefined || patch.email !== undefined;
    if (!renames && !opts.keepAnAdmin && !opts.endCredentials) {
      // Flags, names, password hashes (the rehash after a login): one plain statement.
      await this.db.updateTable('users').set(row).where('id', '=', id).execute();
      return nothingEnded;
    }
    return serializable(this.db, async (trx) => {
      // The first statement writes: on SQLite it takes the write lock before anything is
      // read (waiting up to busy_timeout), so nothing read here can go stale before the
      // writes. It returns the new login and e-mail, and the keys of the old ones.
      const changed = await trx
        .updateTable('users')
        .set(row)
        .where('id', '=', id)
        .returning(['username', 'email', 'login_key', 'email_key'])
        .executeTakeFirst();
      if (!changed) return nothingEnded;
      const keys = { login_key: identityKey(changed.username), email_key: identityKey(changed.email) };
      await trx.updateTable('users').set(keys).where('id', '=', id).execute();
      const before = distinctKeys(changed.login_key, changed.email_key);
      await moveKeys(trx, id, before, distinctKeys(keys.login_key, keys.email_key), keyLabels(changed));
      const ended = opts.endCredentials ? await endCredentials(trx, id, opts.endCredentials) : nothingEnded;
      if (opts.keepAnAdmin) await requireAnAdmin(trx);
      return ended;
    });
  }

  async delete(id: number, opts: UserWriteOptions = {}): Promise<boolean> {
    this.stats.writes++;
    return serializable(this.db, async (trx) => {
      // A write first, as in update.
      const gone = await trx.deleteFrom('users').where('id', '=', id).returning(['login_key', 'email_key']).executeTakeFirst();
      await trx.deleteFrom('api_tokens').where('user_id', '=', id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
      await deleteTotp(trx, id);
      if (gone) for (const key of distinctKeys(gone.login_key, gone.email_key)) await releaseKey(trx, id, key);
      if (opts.keepAnAdmin) await requireAnAdmin(trx);
      return gone !== undefined;
    });
  }

  async identityConflicts(): Promise<IdentityConflict[]> {
    const rows = await this.db
      .selectFrom('user_keys as k')
      .innerJoin('users as u', (join) => join.on((eb) => eb.or([eb('u.login_key', '=', eb.ref('k.key')), eb('u.email_key', '=', eb.ref('k.key'))])))
      .select('k.key')
      .select(USER_JOIN_COLUMNS)
      .where('k.user_id', 'is', null)
      .orderBy('k.key')
      .orderBy('u.id')
      .execute();
    const byKey = new Map<string, UserRecord[]>();
    for (const r of rows) {
      let users = byKey.get(r.key);
      if (!users) byKey.set(r.key, (users = []));
      users.push(userFromJoin(r));
    }
    return [...byKey].map(([key, users]) => ({ key, users }));
  }
}

/** How USER_EXISTS names the value that collided, by its key. */
function keyLabels(u: { username: string; email: string }): Map<string, string> {
  // The login's label wins when login and e-mail are one identity.
  return new Map([
    [identityKey(u.email), `e-mail "${u.email}"`],
    [identityKey(u.username), `login "${u.username}"`],
  ]);
}

/** Revokes the user's live sessions (but one) and, if asked, live tokens: UserWriteOptions.endCredentials. */
async function endCredentials(trx: Transaction<Database>, userId: number, end: NonNullable<UserWriteOptions['endCredentials']>): Promise<CredentialsEnded> {
  let sessions = trx.updateTable('sessions').set({ revoked_at: end.at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (end.keepSessionId !== undefined) sessions = sessions.where('id', '!=', end.keepSessionId);
  const s = await sessions.executeTakeFirst();
  if (!end.tokens) return { sessions: Number(s.numUpdatedRows), tokens: 0 };
  const t = await trx.updateTable('api_tokens').set({ revoked_at: end.at }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return { sessions: Number(s.numUpdatedRows), tokens: Number(t.numUpdatedRows) };
}

/** Removes every TOTP enrolment of the user, with its recovery codes (the user goes). */
async function deleteTotp(trx: Transaction<Database>, userId: number): Promise<void> {
  const enrolments = trx.selectFrom('totp_enrolments').select('id').where('user_id', '=', userId);
  await trx.deleteFrom('totp_recovery_codes').where('totp_id', 'in', enrolments).execute();
  await trx.deleteFrom('totp_enrolments').where('user_id', '=', userId).execute();
}

/** Fails the transaction when it would leave no enabled administrator. */
async function requireAnAdmin(trx: Transaction<Database>): Promise<void> {
  const r = await trx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('admin', '=', 1)
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  if (Number(r.n) === 0) throw new AppError('LAST_ADMIN');
}
