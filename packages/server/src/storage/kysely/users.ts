import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError } from '../../errors.js';
import type { Database, UsersTable } from '../schema.js';
import type { NewUser, StorageStats, UserPatch, UserRecord, UserStore } from '../types.js';
import { isUniqueViolation } from './errors.js';

export function toUserRecord(r: Selectable<UsersTable>): UserRecord {
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
] as const;

type UserJoinRow = { [K in keyof Selectable<UsersTable> as `u_${K & string}`]: Selectable<UsersTable>[K] };

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
  });
}

function toRow(u: UserPatch): Partial<Omit<UsersTable, 'id'>> {
  const row: Partial<Omit<UsersTable, 'id'>> = {};
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

  async create(user: NewUser): Promise<UserRecord> {
    this.stats.writes++;
    try {
      const row = await this.db
        .insertInto('users')
        .values({ ...(toRow(user) as Omit<UsersTable, 'id' | 'created_at'>), created_at: user.createdAt })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUserRecord(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('USER_EXISTS');
      throw e;
    }
  }

  async findById(id: number): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUserRecord(row);
  }

  async findByLogin(login: string): Promise<UserRecord | undefined> {
    // No username or e-mail holds a NUL (they are validated printable), and PostgreSQL
    // text cannot carry one: asking would fail the query instead of finding nobody.
    if (login.includes('\u0000')) return undefined;
    const l = login.toLowerCase();
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb(sql`lower(username)`, '=', l), eb(sql`lower(email)`, '=', l)]))
      .orderBy('id')
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

  async update(id: number, patch: UserPatch): Promise<void> {
    const row = toRow(patch);
    if (Object.keys(row).length === 0) return;
    this.stats.writes++;
    try {
      await this.db.updateTable('users').set(row).where('id', '=', id).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('USER_EXISTS');
      throw e;
    }
  }

  async delete(id: number): Promise<boolean> {
    this.stats.writes++;
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('api_tokens').where('user_id', '=', id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
      const r = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}
