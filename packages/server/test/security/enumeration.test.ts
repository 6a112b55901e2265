/**
 * User enumeration: neither the answer nor its timing may tell an unknown
 * login from a known one with a wrong password, an external (LDAP/OIDC) user
 * or a disabled one. The timing test runs with the DEFAULT Argon2 parameters
 * (cheap test hashing would make a missing hash look like noise) and
 * interleaves the kinds of attempt in shuffled order within each round, so
 * that drift from other processes on the machine hits all kinds alike;
 * medians then discard the outliers such load causes, and a loaded machine
 * gets more rounds (until the medians are precise), never a wider bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settings } from '../../src/config/schema.js';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { http, type HttpResponse } from '../support/http.js';
import { median } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    env: {
      // The production defaults, not the test suite's cheap ones.
      SEMAUTH_ARGON2_MEMORY_KIB: String(settings.argon2MemoryKiB.default),
      SEMAUTH_ARGON2_TIME_COST: String(settings.argon2TimeCost.default),
      // This test measures time, not throttling.
      SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '100000',
      SEMAUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    },
  });
  const users = t.services.users;
  await users.add({ login: 'known', name: 'Known', email: 'known@example.com', password: 'the-right-password' }, CLI_CONTEXT);
  await users.add({ login: 'ext', name: 'External', email: 'ext@example.com', external: true }, CLI_CONTEXT);
  await users.add({ login: 'off', name: 'Disabled', email: 'off@example.com', password: 'the-right-password' }, CLI_CONTEXT);
  await users.change('off', { disabled: true }, CLI_CONTEXT);
}, 60_000);
afterAll(() => t.close());

const KINDS = {
  unknown: { auth: 'nobody-here', password: 'some-password' },
  unknownEmail: { auth: 'nobody@example.com', password: 'some-password' },
  wrongPassword: { auth: 'known', password: 'not-the-password' },
  external: { auth: 'ext', password: 'some-password' },
  disabledRightPassword: { auth: 'off', password: 'the-right-password' },
  disabledWrongPassword: { auth: 'off', password: 'not-the-password' },
} as const;
type Kind = keyof typeof KINDS;

function attempt(kind: Kind): Promise<HttpResponse> {
  return http('POST', `${t.api}/auth/login`, { headers: { 'content-type': 'application/json', 'user-agent': 'probe' }, body: KINDS[kind] });
}

describe('answers', () => {
  it('are byte-for-byte the same for unknown, wrong-password, external and disabled logins', async () => {
    const seen = new Map<string, Kind[]>();
    for (const kind of Object.keys(KINDS) as Kind[]) {
      const r = await attempt(kind);
      // The date and the request id differ on every answer, whatever was asked.
      const { date: _date, 'x-request-id': _id, ...headers } = r.headers;
      const key = JSON.stringify({ status: r.status, headers, body: r.text });
      seen.set(key, [...(seen.get(key) ?? []), kind]);
    }
    expect([...seen.values()]).toEqual([Object.keys(KINDS)]);
    const [only] = [...seen.keys()];
    expect(JSON.parse(only!)).toMatchObject({ status: 401, body: JSON.stringify({ error: 'Invalid login or password.', code: 'INVALID_CREDENTIALS' }) });
  });

  it('and throttle alike: the same 429 after the same number of attempts, whoever the account', async () => {
    const th = await startTestApp({ env: { SEMAUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000' } });
    try {
      await th.services.users.add({ login: 'known', name: 'K', email: 'k@example.com', password: 'the-right-password' }, CLI_CONTEXT);
      const sequences: string[] = [];
      for (const auth of ['known', 'nobody-here']) {
        const seq: string[] = [];
        for (let i = 0; i < 15; i++) {
          const r = await http('POST', `${th.api}/auth/login`, { body: { auth, password: 'not-the-password' } });
          seq.push(`${r.status}:${r.text}`);
        }
        sequences.push(seq.join('\n'));
      }
      expect(sequences[0]).toBe(sequences[1]);
    } finally {
      await th.close();
    }
  });
});

describe('timing', () => {
  /** Bootstrap standard error of (median(a) - median(b)) / median(b). */
  function relativeDifferenceError(a: number[], b: number[], resamples = 300): number {
    const pick = (xs: number[]) => Array.from(xs, () => xs[Math.floor(Math.random() * xs.length)]!);
    const diffs: number[] = [];
    for (let i = 0; i < resamples; i++) {
      const mb = median(pick(b));
      diffs.push((median(pick(a)) - mb) / mb);
    }
    const mean = diffs.reduce((x, y) => x + y, 0) / diffs.length;
    return Math.sqrt(diffs.reduce((x, y) => x + (y - mean) ** 2, 0) / (diffs.length - 1));
  }

  it('median login time for an unknown user is within 10% of a known user with a wrong password (default Argon2, interleaved, ≥30 each)', async () => {
    // At least 30 rounds; then more (up to 240 or 100 s), until the medians are known
    // to ±2.5% (one standard error) — a loaded machine needs more samples, not a wider bound.
    const MIN_ROUNDS = 30;
    const MAX_ROUNDS = 240;
    const TARGET_ERROR = 0.025;
    const WARMUP = 4;
    const kinds: Kind[] = ['unknown', 'wrongPassword', 'external', 'disabledWrongPassword'];
    const others: Kind[] = ['unknown', 'external', 'disabledWrongPassword'];
    const times = new Map<Kind, number[]>(kinds.map((k) => [k, []]));
    const deadline = Date.now() + 100_000;
    let rounds = 0;
    let error = Infinity;
    for (let round = 0; ; round++) {
      // A fresh random order every round: no kind always runs first (or right after another).
      const order = [...kinds].sort(() => Math.random() - 0.5);
      for (const kind of order) {
        const started = process.hrtime.bigint();
        const r = await attempt(kind);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        expect(r.status).toBe(401);
        if (round >= WARMUP) times.get(kind)!.push(ms);
      }
      rounds = round + 1 - WARMUP;
      if (rounds < MIN_ROUNDS || rounds % 5 !== 0) continue;
      error = Math.max(...others.map((k) => relativeDifferenceError(times.get(k)!, times.get('wrongPassword')!)));
      if (error <= TARGET_ERROR || rounds >= MAX_ROUNDS || Date.now() > deadline) break;
    }
    const medians = Object.fromEntries(kinds.map((k) => [k, median(times.get(k)!)])) as Record<Kind, number>;
    const report = `${kinds.map((k) => `${k}=${medians[k].toFixed(1)}ms`).join(' ')} (${rounds} rounds, standard error ${(error * 100).toFixed(1)}%)`;
    console.log(`login timing medians: ${report}`);
    // Sanity: the real hash ran (a few ms would mean cheap parameters and a meaningless comparison).
    expect(medians.wrongPassword, report).toBeGreaterThan(10);
    for (const k of kinds) expect(times.get(k)!.length).toBeGreaterThanOrEqual(30);
    for (const k of others) {
      expect(Math.abs(medians[k] - medians.wrongPassword) / medians.wrongPassword, `${k}: ${report}`).toBeLessThanOrEqual(0.1);
    }
  }, 150_000);
});
