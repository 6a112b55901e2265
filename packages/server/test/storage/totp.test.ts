/**
 * TotpStore on both dialects: one enrolment per user, confirming marks the
 * user, every one-time value is spent once however many ask at the same
 * moment, and removing (or deleting the user) leaves nothing behind.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { createUser, newSession, useFreshStorage } from '../support/storage.js';

const storage = useFreshStorage();
const T = 1_700_000_000_000;

describe('TotpStore', () => {
  it('a second start replaces a pending enrolment, and is refused beside a confirmed one', async () => {
    const s = storage();
    const u = await createUser(s);
    expect(await s.totp.findByUser(u.id)).toBeUndefined();
    const first = await s.totp.startEnrolment(u.id, 'sealed-1', T);
    expect(first).toMatchObject({ userId: u.id, secret: 'sealed-1', createdAt: T, confirmedAt: null, lastStep: null });
    const second = await s.totp.startEnrolment(u.id, 'sealed-2', T + 1);
    expect(second.id).not.toBe(first.id);
    expect((await s.totp.findByUser(u.id))?.secret).toBe('sealed-2');
    expect(await s.totp.confirm(first.id, u.id, 10, T, [])).toBe(false);
    expect(await s.totp.confirm(second.id, u.id, 10, T + 2, ['h1', 'h2'])).toBe(true);
    expect(await s.totp.confirm(second.id, u.id, 11, T + 2, [])).toBe(false);
    expect((await s.users.findById(u.id))?.totpId).toBe(second.id);
    expect(await s.totp.findByUser(u.id)).toMatchObject({ confirmedAt: T + 2, lastStep: 10 });
    await expect(s.totp.startEnrolment(u.id, 'sealed-3', T)).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'TOTP_ALREADY_ENABLED');
    expect(await s.totp.recoveryCodesLeft(second.id)).toBe(2);
  });

  it('only one of several concurrent starts survives, and the user has one enrolment', async () => {
    const s = storage();
    const u = await createUser(s);
    const started = await Promise.all([1, 2, 3, 4].map((i) => s.totp.startEnrolment(u.id, `sealed-${i}`, T)));
    const kept = await s.totp.findByUser(u.id);
    expect(started.map((r) => r.id)).toContain(kept!.id);
  });

  it('a time step is accepted once, and never one older than the last: of concurrent callers, one wins', async () => {
    const s = storage();
    const u = await createUser(s);
    const e = await s.totp.startEnrolment(u.id, 'sealed', T);
    // Not while pending.
    expect(await s.totp.acceptStep(e.id, 5)).toBe(false);
    await s.totp.confirm(e.id, u.id, 5, T, []);
    expect(await s.totp.acceptStep(e.id, 5)).toBe(false);
    expect(await s.totp.acceptStep(e.id, 4)).toBe(false);
    const race = await Promise.all(Array.from({ length: 8 }, () => s.totp.acceptStep(e.id, 6)));
    expect(race.filter(Boolean)).toHaveLength(1);
    expect((await s.totp.findByUser(u.id))?.lastStep).toBe(6);
  });

  it('a recovery code is spent once, of concurrent callers by one', async () => {
    const s = storage();
    const u = await createUser(s);
    const e = await s.totp.startEnrolment(u.id, 'sealed', T);
    await s.totp.confirm(e.id, u.id, 1, T, ['a', 'b']);
    const race = await Promise.all(Array.from({ length: 8 }, () => s.totp.useRecoveryCode(e.id, 'a', T)));
    expect(race.filter(Boolean)).toHaveLength(1);
    expect(await s.totp.useRecoveryCode(e.id, 'nope', T)).toBe(false);
    expect(await s.totp.recoveryCodesLeft(e.id)).toBe(1);
  });

  it('removing clears the user’s mark, the codes, and the sessions waiting for a code — not the others', async () => {
    const s = storage();
    const u = await createUser(s);
    const e = await s.totp.startEnrolment(u.id, 'sealed', T);
    await s.totp.confirm(e.id, u.id, 1, T, ['a']);
    const waiting = newSession(u.id, { secondFactor: 'pending' });
    const passed = newSession(u.id, { secondFactor: 'passed' });
    await s.sessions.create(waiting);
    await s.sessions.create(passed);
    expect(await s.totp.remove(u.id, T + 5, e.id + 1)).toBeUndefined();
    expect((await s.totp.remove(u.id, T + 5, e.id))?.id).toBe(e.id);
    expect(await s.totp.findByUser(u.id)).toBeUndefined();
    expect((await s.users.findById(u.id))?.totpId).toBeNull();
    expect(await s.totp.recoveryCodesLeft(e.id)).toBe(0);
    expect((await s.sessions.findById(waiting.id))?.revokedAt).toBe(T + 5);
    expect((await s.sessions.findById(passed.id))?.revokedAt).toBeNull();
    expect(await s.totp.remove(u.id, T)).toBeUndefined();
  });

  it('a pending session passes once; deleting the user takes the enrolment with it', async () => {
    const s = storage();
    const u = await createUser(s);
    const waiting = newSession(u.id, { secondFactor: 'pending' });
    await s.sessions.create(waiting);
    expect((await s.sessions.findByIdWithUser(waiting.id))?.session.secondFactor).toBe('pending');
    const race = await Promise.all([1, 2, 3].map(() => s.sessions.passSecondFactor(waiting.id)));
    expect(race.filter(Boolean)).toHaveLength(1);
    expect((await s.sessions.findById(waiting.id))?.secondFactor).toBe('passed');

    const e = await s.totp.startEnrolment(u.id, 'sealed', T);
    await s.totp.confirm(e.id, u.id, 1, T, ['a']);
    await s.users.delete(u.id);
    expect(await s.totp.findByUser(u.id)).toBeUndefined();
    expect(await s.totp.recoveryCodesLeft(e.id)).toBe(0);
  });
});
