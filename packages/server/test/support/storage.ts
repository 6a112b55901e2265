/**
 * Storage for the conformance suite: a migrated Storage on a fresh database
 * of the dialect under test (SEMAUTH_TEST_DIALECT), exactly as the server
 * opens it, plus small record builders.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStorage } from '../../src/storage/open.js';
import type { NewUser, SessionRecord, Storage, TokenRecord, UserRecord } from '../../src/storage/types.js';
import { freshDatabaseEnv } from './database.js';

export async function openFreshStorage(env: Record<string, string> = {}): Promise<Storage> {
  const storage = await openStorage(loadConfig({ env: { ...(await freshDatabaseEnv()), SEMAUTH_LOG_LEVEL: 'silent', ...env } }));
  await storage.migrate();
  return storage;
}

/** One fresh, migrated database for the whole file; tests use their own users so they do not meet. */
export function useFreshStorage(): () => Storage {
  let storage: Storage | undefined;
  beforeAll(async () => {
    storage = await openFreshStorage();
  });
  afterAll(async () => {
    await storage?.close();
  });
  return () => {
    if (!storage) throw new Error('storage is not open yet');
    return storage;
  };
}

let seq = 0;
/** A unique suffix, so tests sharing one database never collide. */
export function unique(prefix = 'u'): string {
  return `${prefix}${process.pid}x${++seq}x${Math.random().toString(36).slice(2, 8)}`;
}

export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  const name = unique('user');
  return {
    username: name,
    name: `Name of ${name}`,
    email: `${name}@example.org`,
    passwordHash: '$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    admin: false,
    external: false,
    alert: false,
    disabled: false,
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function createUser(storage: Storage, overrides: Partial<NewUser> = {}): Promise<UserRecord> {
  return storage.users.create(newUser(overrides));
}

export function newSession(userId: number, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: unique('s'),
    secretHash: randomBytes(32).toString('hex'),
    userId,
    createdAt: 1_700_000_000_000,
    lastActiveAt: 1_700_000_000_000,
    expiresAt: 1_700_000_000_000 + 30 * 86_400_000,
    revokedAt: null,
    address: '192.0.2.7',
    userAgent: 'test-agent/1.0',
    secondFactor: 'none',
    ...overrides,
  };
}

export function newToken(userId: number, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash: randomBytes(32).toString('hex'),
    prefix: randomBytes(6).toString('base64url').toLowerCase(),
    userId,
    name: '',
    createdAt: 1_700_000_000_000,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}
