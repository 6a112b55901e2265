/**
 * Storage conformance: the joined lookups of the authentication path
 * (token + user, session + user) answer exactly what the two separate
 * lookups answer, on the dialect under test.
 */
import { describe, expect, it } from 'vitest';
import { createUser, newSession, newToken, useFreshStorage } from '../support/storage.js';

const storage = useFreshStorage();

describe('TokenStore.findByHashWithUser', () => {
  it('answers the token and its user, as findByHash and findById do', async () => {
    const u = await createUser(storage(), { admin: true, disabled: true });
    const t = newToken(u.id, { name: 'joined', expiresAt: 4_102_444_800_000, lastUsedAt: 1_700_000_000_005 });
    await storage().tokens.create(t);
    const found = await storage().tokens.findByHashWithUser(t.hash);
    expect(found).toEqual({ token: await storage().tokens.findByHash(t.hash), user: await storage().users.findById(u.id) });
    expect(found?.token).toEqual(t);
    expect(found?.user).toEqual(u);
  });

  it('answers undefined for an unknown hash, and revoked tokens as revoked', async () => {
    expect(await storage().tokens.findByHashWithUser('f'.repeat(64))).toBeUndefined();
    const u = await createUser(storage());
    const t = newToken(u.id);
    await storage().tokens.create(t);
    await storage().tokens.revoke(t.hash, 1_700_000_000_100);
    expect((await storage().tokens.findByHashWithUser(t.hash))?.token.revokedAt).toBe(1_700_000_000_100);
  });
});

describe('SessionStore.findByIdWithUser', () => {
  it('answers the session and its user, as findById does for each', async () => {
    const u = await createUser(storage());
    const s = newSession(u.id, { lastActiveAt: 1_700_000_000_050 });
    await storage().sessions.create(s);
    const found = await storage().sessions.findByIdWithUser(s.id);
    expect(found).toEqual({ session: s, user: u });
    expect(found).toEqual({ session: await storage().sessions.findById(s.id), user: await storage().users.findById(u.id) });
  });

  it('answers undefined for an unknown id, and for a deleted user', async () => {
    expect(await storage().sessions.findByIdWithUser('no-such-session-id')).toBeUndefined();
    const u = await createUser(storage());
    const s = newSession(u.id);
    await storage().sessions.create(s);
    await storage().users.delete(u.id);
    expect(await storage().sessions.findByIdWithUser(s.id)).toBeUndefined();
  });
});
