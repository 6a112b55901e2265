/** Storage conformance: TokenStore, on the dialect under test. */
import { describe, expect, it } from 'vitest';
import { createUser, newToken, useFreshStorage } from '../support/storage.js';

const storage = useFreshStorage();
const T = 1_700_000_000_000;

describe('TokenStore', () => {
  it('create then findByHash round-trips every field with real types', async () => {
    const u = await createUser(storage());
    const t = newToken(u.id, { name: 'ci – déploiement', expiresAt: 4_102_444_800_000, lastUsedAt: T + 3, createdAt: T });
    await storage().tokens.create(t);
    const back = await storage().tokens.findByHash(t.hash);
    expect(back).toEqual(t);
    expect(back?.expiresAt).toBeTypeOf('number');
    expect(back?.createdAt).toBeTypeOf('number');
  });

  it('findByHash answers undefined for an unknown hash', async () => {
    expect(await storage().tokens.findByHash('0'.repeat(64))).toBeUndefined();
  });

  it('findByHashWithUser returns the token with its user in one lookup, revoked tokens included', async () => {
    const u = await createUser(storage(), { admin: true, alert: true });
    const t = newToken(u.id, { name: 'joined', expiresAt: 4_102_444_800_000, lastUsedAt: T + 1 });
    await storage().tokens.create(t);
    expect(await storage().tokens.findByHashWithUser(t.hash)).toEqual({ token: t, user: u });
    await storage().tokens.revoke(t.hash, T + 2);
    await storage().users.update(u.id, { disabled: true });
    expect(await storage().tokens.findByHashWithUser(t.hash)).toEqual({ token: { ...t, revokedAt: T + 2 }, user: { ...u, disabled: true } });
  });

  it('findByHashWithUser answers undefined for an unknown hash, and once its user is deleted', async () => {
    expect(await storage().tokens.findByHashWithUser('0'.repeat(64))).toBeUndefined();
    const u = await createUser(storage());
    const t = newToken(u.id);
    await storage().tokens.create(t);
    await storage().users.delete(u.id);
    expect(await storage().tokens.findByHashWithUser(t.hash)).toBeUndefined();
  });

  it('refuses a second token with the same hash', async () => {
    const u = await createUser(storage());
    const t = newToken(u.id);
    await storage().tokens.create(t);
    await expect(storage().tokens.create({ ...t, name: 'again' })).rejects.toThrow();
  });

  it('listByUser: the user’s live tokens only, newest first, revoked ones left out, expired ones kept', async () => {
    const u = await createUser(storage());
    const other = await createUser(storage());
    const oldest = newToken(u.id, { createdAt: T + 1 });
    const newest = newToken(u.id, { createdAt: T + 3 });
    const middle = newToken(u.id, { createdAt: T + 2, expiresAt: T + 2 }); // expired, still listed
    const revoked = newToken(u.id, { createdAt: T + 4 });
    const foreign = newToken(other.id, { createdAt: T + 5 });
    for (const t of [oldest, newest, middle, revoked, foreign]) await storage().tokens.create(t);
    await storage().tokens.revoke(revoked.hash, T + 10);

    expect(await storage().tokens.listByUser(u.id)).toEqual([newest, middle, oldest]);
    expect(await storage().tokens.listByUser(other.id)).toEqual([foreign]);
    expect(await storage().tokens.listByUser(987_654_321)).toEqual([]);
  });

  it('listByUser orders tokens created in the same millisecond by listed id, the same way every time', async () => {
    const u = await createUser(storage());
    const ts = ['cccccccc', 'aaaaaaaa', 'bbbbbbbb'].map((prefix) => newToken(u.id, { createdAt: T, prefix }));
    for (const t of ts) await storage().tokens.create(t);
    expect((await storage().tokens.listByUser(u.id)).map((t) => t.prefix)).toEqual(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
  });

  it('findByPrefix: the user’s tokens with that listed id, revoked ones included, nobody else’s', async () => {
    const u = await createUser(storage());
    const other = await createUser(storage());
    const a = newToken(u.id, { prefix: 'samepfx1' });
    const b = newToken(u.id, { prefix: 'samepfx1' });
    const c = newToken(u.id, { prefix: 'otherpfx' });
    const foreign = newToken(other.id, { prefix: 'samepfx1' });
    for (const t of [a, b, c, foreign]) await storage().tokens.create(t);
    await storage().tokens.revoke(b.hash, T + 1);

    const found = await storage().tokens.findByPrefix(u.id, 'samepfx1');
    expect(found.map((t) => t.hash).sort()).toEqual([a.hash, b.hash].sort());
    expect(found.find((t) => t.hash === b.hash)?.revokedAt).toBe(T + 1);
    expect(await storage().tokens.findByPrefix(u.id, 'nomatch1')).toEqual([]);
    expect(await storage().tokens.findByPrefix(other.id, 'otherpfx')).toEqual([]);
  });

  it('revoke sets revokedAt once; a second revoke keeps the first time', async () => {
    const u = await createUser(storage());
    const t = newToken(u.id);
    await storage().tokens.create(t);
    await storage().tokens.revoke(t.hash, T + 5);
    await storage().tokens.revoke(t.hash, T + 9);
    expect(await storage().tokens.findByHash(t.hash)).toEqual({ ...t, revokedAt: T + 5 });
  });

  it('touch sets lastUsedAt only', async () => {
    const u = await createUser(storage());
    const t = newToken(u.id);
    await storage().tokens.create(t);
    await storage().tokens.touch(t.hash, T + 60_000);
    expect(await storage().tokens.findByHash(t.hash)).toEqual({ ...t, lastUsedAt: T + 60_000 });
  });
});
