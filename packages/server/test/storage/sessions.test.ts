/** Storage conformance: SessionStore, on the dialect under test. */
import { describe, expect, it } from 'vitest';
import { createUser, newSession, useFreshStorage } from '../support/storage.js';

const storage = useFreshStorage();
const T = 1_700_000_000_000;

describe('SessionStore', () => {
  it('create then findById round-trips every field with real types', async () => {
    const u = await createUser(storage());
    const s = newSession(u.id, { createdAt: T, lastActiveAt: T + 1, expiresAt: 4_102_444_800_999 });
    await storage().sessions.create(s);
    const back = await storage().sessions.findById(s.id);
    expect(back).toEqual(s);
    expect(back?.expiresAt).toBeTypeOf('number');
    expect(back?.userId).toBeTypeOf('number');
  });

  it('keeps where a session signed in, and null for neither (sessions from before migration 0005)', async () => {
    const u = await createUser(storage());
    const known = newSession(u.id, { address: '2001:db8::1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 ✓' });
    const unknown = newSession(u.id, { address: null, userAgent: null });
    for (const s of [known, unknown]) await storage().sessions.create(s);
    expect(await storage().sessions.findById(known.id)).toEqual(known);
    expect(await storage().sessions.findById(unknown.id)).toEqual(unknown);
    expect((await storage().sessions.findByIdWithUser(known.id))?.session).toEqual(known);
    expect(await storage().sessions.listByUser(u.id)).toEqual(expect.arrayContaining([known, unknown]));
  });

  it('findById answers undefined for an unknown id', async () => {
    expect(await storage().sessions.findById('no-such-session')).toBeUndefined();
  });

  it('findByIdWithUser returns the session with its user in one lookup, revoked sessions included', async () => {
    const u = await createUser(storage(), { admin: true, passwordHash: null, external: true });
    const s = newSession(u.id, { revokedAt: T + 9, expiresAt: 4_102_444_800_999 });
    await storage().sessions.create(s);
    expect(await storage().sessions.findByIdWithUser(s.id)).toEqual({ session: s, user: u });
    await storage().users.update(u.id, { disabled: true, name: 'Changed' });
    expect((await storage().sessions.findByIdWithUser(s.id))?.user).toEqual({ ...u, disabled: true, name: 'Changed' });
  });

  it('findByIdWithUser answers undefined for an unknown session, and once its user is deleted', async () => {
    expect(await storage().sessions.findByIdWithUser('no-such-session')).toBeUndefined();
    const u = await createUser(storage());
    const s = newSession(u.id);
    await storage().sessions.create(s);
    await storage().users.delete(u.id);
    expect(await storage().sessions.findByIdWithUser(s.id)).toBeUndefined();
  });

  it('touch moves lastActiveAt only', async () => {
    const u = await createUser(storage());
    const s = newSession(u.id);
    await storage().sessions.create(s);
    await storage().sessions.touch(s.id, T + 60_000);
    expect(await storage().sessions.findById(s.id)).toEqual({ ...s, lastActiveAt: T + 60_000 });
  });

  it('revoke sets revokedAt once; a second revoke keeps the first time', async () => {
    const u = await createUser(storage());
    const s = newSession(u.id);
    await storage().sessions.create(s);
    await storage().sessions.revoke(s.id, T + 5);
    await storage().sessions.revoke(s.id, T + 9);
    expect((await storage().sessions.findById(s.id))?.revokedAt).toBe(T + 5);
  });

  it('revokeAllForUser revokes the live sessions of that user only, except the one named', async () => {
    const u = await createUser(storage());
    const other = await createUser(storage());
    const keep = newSession(u.id);
    const a = newSession(u.id);
    const b = newSession(u.id);
    const already = newSession(u.id, { revokedAt: T + 1 });
    const foreign = newSession(other.id);
    for (const s of [keep, a, b, already, foreign]) await storage().sessions.create(s);

    expect(await storage().sessions.revokeAllForUser(u.id, T + 7, keep.id)).toBe(2);
    expect((await storage().sessions.findById(keep.id))?.revokedAt).toBeNull();
    expect((await storage().sessions.findById(a.id))?.revokedAt).toBe(T + 7);
    expect((await storage().sessions.findById(b.id))?.revokedAt).toBe(T + 7);
    expect((await storage().sessions.findById(already.id))?.revokedAt).toBe(T + 1);
    expect((await storage().sessions.findById(foreign.id))?.revokedAt).toBeNull();

    expect(await storage().sessions.revokeAllForUser(u.id, T + 8)).toBe(1);
    expect((await storage().sessions.findById(keep.id))?.revokedAt).toBe(T + 8);
    expect(await storage().sessions.revokeAllForUser(u.id, T + 9)).toBe(0);
  });

  it('prune deletes sessions expired or revoked before the cut-off, and only those', async () => {
    const u = await createUser(storage());
    const cut = T + 1_000_000;
    const expired = newSession(u.id, { expiresAt: cut - 1 });
    const revokedOld = newSession(u.id, { revokedAt: cut - 1, expiresAt: cut + 10 });
    const revokedNew = newSession(u.id, { revokedAt: cut, expiresAt: cut + 10 });
    const live = newSession(u.id, { expiresAt: cut });
    for (const s of [expired, revokedOld, revokedNew, live]) await storage().sessions.create(s);

    expect(await storage().sessions.prune(cut)).toBeGreaterThanOrEqual(2);
    expect(await storage().sessions.findById(expired.id)).toBeUndefined();
    expect(await storage().sessions.findById(revokedOld.id)).toBeUndefined();
    expect(await storage().sessions.findById(revokedNew.id)).toEqual(revokedNew);
    expect(await storage().sessions.findById(live.id)).toEqual(live);
    expect(await storage().sessions.prune(cut)).toBe(0);
  });
});
