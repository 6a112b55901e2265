/**
 * Storage conformance: OidcStateStore, on the dialect under test. A state is
 * consumed once, whatever the number of callbacks racing for it and whichever
 * instance (connection) each reached.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStorage } from '../../src/storage/open.js';
import type { OidcStateRecord, Storage } from '../../src/storage/types.js';
import { freshDatabaseEnv } from '../support/database.js';

const T = 1_700_000_000_000;
/** Two Storages on one database: two server instances (two processes' connections on SQLite). */
let a: Storage;
let b: Storage;

beforeAll(async () => {
  const env = { ...(await freshDatabaseEnv()), SEMAUTH_LOG_LEVEL: 'silent' };
  a = await openStorage(loadConfig({ env }));
  await a.migrate();
  b = await openStorage(loadConfig({ env }));
  await b.migrate();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

function newState(overrides: Partial<OidcStateRecord> = {}): OidcStateRecord {
  return {
    id: randomBytes(32).toString('hex'),
    provider: 'keycloak',
    redirectUri: 'https://semaphore.example.org/api/auth/oidc/keycloak/redirect',
    returnTo: '/project/1',
    createdAt: T,
    expiresAt: T + 600_000,
    ...overrides,
  };
}

describe('OidcStateStore', () => {
  it('gives back what was stored, once', async () => {
    const s = newState();
    await a.oidcStates.create(s);
    expect(await a.oidcStates.consume(s.id)).toEqual(s);
    expect(await a.oidcStates.consume(s.id)).toBeUndefined();
    const root = newState({ returnTo: null });
    await a.oidcStates.create(root);
    expect(await b.oidcStates.consume(root.id)).toEqual(root);
  });

  it('knows nothing of an unknown key', async () => {
    expect(await a.oidcStates.consume(randomBytes(32).toString('hex'))).toBeUndefined();
  });

  it('lets exactly one of concurrent consumers on two instances have it', async () => {
    for (let round = 0; round < 5; round++) {
      const s = newState();
      await a.oidcStates.create(s);
      const got = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).oidcStates.consume(s.id)));
      expect(got.filter((r) => r !== undefined)).toEqual([s]);
    }
  });

  it('prunes the states that expired before the given time, and only those', async () => {
    const old = newState({ expiresAt: T - 1 });
    const current = newState({ expiresAt: T + 1 });
    await a.oidcStates.create(old);
    await a.oidcStates.create(current);
    expect(await b.oidcStates.prune(T)).toBeGreaterThanOrEqual(1);
    expect(await a.oidcStates.consume(old.id)).toBeUndefined();
    expect(await a.oidcStates.consume(current.id)).toEqual(current);
  });
});
