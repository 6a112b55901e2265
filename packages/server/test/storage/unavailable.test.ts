/**
 * isUnavailable decides between 503 ("try again shortly") and 500. It must
 * know every way `pg` and better-sqlite3 say the database is gone. The
 * live version of this — PostgreSQL stopped under load — is
 * test/postgres/fault.test.ts.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from '../../src/storage/kysely/errors.js';
import { freePort } from '../support/server-process.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isUnavailable', () => {
  it('recognises a real refused connection from pg, by IP and by a name with several addresses', async () => {
    const port = await freePort();
    for (const host of ['127.0.0.1', 'localhost']) {
      const client = new pg.Client({ host, port, user: 'u', database: 'd', connectionTimeoutMillis: 2000 });
      client.on('error', () => {});
      const e = await client.connect().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e, host).toBeDefined();
      expect(isUnavailable(e), `${host}: ${String(e)}`).toBe(true);
    }
  });

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection due to crash of another server process'],
    ['57P03', 'the database system is shutting down'],
    ['08006', 'connection failure'],
    ['08001', 'could not connect'],
    ['53300', 'sorry, too many clients already'],
    ['ECONNRESET', 'read ECONNRESET'],
    ['ETIMEDOUT', 'connect ETIMEDOUT'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN db'],
    ['SQLITE_BUSY', 'database is locked'],
    ['SQLITE_BUSY_SNAPSHOT', 'database is locked'],
    ['SQLITE_IOERR_WRITE', 'disk I/O error'],
    ['SQLITE_FULL', 'database or disk is full'],
  ])('code %s', (code, message) => {
    expect(isUnavailable(coded(code, message))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
    'Client was closed and is not queryable',
    'Query read timeout',
  ])('pg message %j', (message) => {
    expect(isUnavailable(new Error(message))).toBe(true);
  });

  it('looks inside AggregateError and cause', () => {
    expect(isUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]))).toBe(true);
    expect(isUnavailable(new Error('wrapped', { cause: coded('57P01') }))).toBe(true);
    expect(isUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('28P01')]))).toBe(false);
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['42P01', 'relation "users" does not exist'],
    ['28P01', 'password authentication failed'],
    ['3D000', 'database "x" does not exist'],
    ['57014', 'canceling statement due to statement timeout'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed'],
  ])('not for %s (a fault to fix, not to wait out)', (code, message) => {
    expect(isUnavailable(coded(code, message))).toBe(false);
  });

  it('not for plain errors or non-errors', () => {
    expect(isUnavailable(new Error('boom'))).toBe(false);
    expect(isUnavailable(null)).toBe(false);
    expect(isUnavailable(undefined)).toBe(false);
    expect(isUnavailable('ECONNREFUSED')).toBe(false);
  });
});
