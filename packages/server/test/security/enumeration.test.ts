/**
 * User enumeration: neither the answer nor its timing may tell an unknown
 * login from a known one with a wrong password, an external (LDAP/OIDC) user
 * or a disabled one. The timing tests run with the DEFAULT Argon2 parameters
 * (cheap test hashing would make a missing hash look like noise).
 *
 * What makes the time of a failed login is the work it does (above all the
 * hash: CPU on the hashing threads) and the database writes it waits for.
 * Both are measured where load from other processes cannot blur them: CPU
 * time of the whole process per attempt, and rows written by the database's
 * own count. Wall time is measured too, interleaving the kinds in a shuffled
 * order every round and comparing each with the wrong password of its own
 * round; it is judged only once the machine is quiet enough to measure it to
 * ±2.5% — on a machine loaded by others it is reported, not guessed at.
 *
 * @dialects sqlite postgres
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settings } from '../../src/config/schema.js';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { rowsWritten } from '../support/database-figures.js';
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
      // One connection, so that PostgreSQL's row counts can be read at once (rowsWritten).
      SEMAUTH_DB_POOL_SIZE: '1',
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
  /** Bootstrap standard error of the median of `xs`. */
  function medianError(xs: number[], resamples = 300): number {
    const pick = () => Array.from(xs, () => xs[Math.floor(Math.random() * xs.length)]!);
    const medians = Array.from({ length: resamples }, () => median(pick()));
    const mean = medians.reduce((x, y) => x + y, 0) / medians.length;
    return Math.sqrt(medians.reduce((x, y) => x + (y - mean) ** 2, 0) / (medians.length - 1));
  }

  const kinds: Kind[] = ['unknown', 'wrongPassword', 'external', 'disabledWrongPassword'];
  const others: Kind[] = ['unknown', 'external', 'disabledWrongPassword'];

  it('every kind of failed login writes the same rows (counted by the database)', async () => {
    const written = new Map<Kind, number[]>();
    for (let round = 0; round < 3; round++) {
      for (const kind of kinds) {
        const before = await rowsWritten(t.storage);
        expect((await attempt(kind)).status).toBe(401);
        written.set(kind, [...(written.get(kind) ?? []), (await rowsWritten(t.storage)) - before]);
      }
    }
    const expected = written.get('wrongPassword')!;
    expect(expected.every((n) => n > 0), JSON.stringify([...written])).toBe(true);
    for (const k of others) expect(written.get(k), k).toEqual(expected);
  });

  it('every kind of failed login costs the CPU of a wrong password within 10%, and the same wall time when the machine is quiet enough to tell (default Argon2, interleaved, ≥30 each)', async () => {
    // Each round times every kind once, in a fresh random order, and each kind is
    // compared with the wrong password of its own round (a paired ratio); medians
    // over rounds discard the single attempts that other processes disturbed.
    // At least 30 rounds; then more (up to 240 or 100 s) until the median ratios
    // are known to ±2.5% (one standard error).
    const MIN_ROUNDS = 30;
    const MAX_ROUNDS = 240;
    const TARGET_ERROR = 0.025;
    const WARMUP = 4;
    const measures = ['cpu', 'wall'] as const;
    type Measure = (typeof measures)[number];
    const times = Object.fromEntries(measures.map((m) => [m, new Map<Kind, number[]>(kinds.map((k) => [k, []]))])) as Record<Measure, Map<Kind, number[]>>;
    const ratios = Object.fromEntries(measures.map((m) => [m, new Map<Kind, number[]>(others.map((k) => [k, []]))])) as Record<Measure, Map<Kind, number[]>>;
    const error: Record<Measure, number> = { cpu: Infinity, wall: Infinity };
    const deadline = Date.now() + 100_000;
    let rounds = 0;
    for (let round = 0; ; round++) {
      // A fresh random order every round: no kind always runs first (or right after another).
      const order = [...kinds].sort(() => Math.random() - 0.5);
      const thisRound = { cpu: new Map<Kind, number>(), wall: new Map<Kind, number>() };
      for (const kind of order) {
        const cpu = process.cpuUsage(); // every thread of the process: the event loop and the hashing threads
        const started = process.hrtime.bigint();
        const r = await attempt(kind);
        thisRound.wall.set(kind, Number(process.hrtime.bigint() - started) / 1e6);
        const used = process.cpuUsage(cpu);
        thisRound.cpu.set(kind, (used.user + used.system) / 1000);
        expect(r.status).toBe(401);
      }
      if (round < WARMUP) continue;
      for (const m of measures) {
        for (const k of kinds) times[m].get(k)!.push(thisRound[m].get(k)!);
        for (const k of others) ratios[m].get(k)!.push(thisRound[m].get(k)! / thisRound[m].get('wrongPassword')!);
      }
      rounds = round + 1 - WARMUP;
      if (rounds < MIN_ROUNDS || rounds % 5 !== 0) continue;
      for (const m of measures) error[m] = Math.max(...others.map((k) => medianError(ratios[m].get(k)!)));
      if ((error.cpu <= TARGET_ERROR && error.wall <= TARGET_ERROR) || rounds >= MAX_ROUNDS || Date.now() > deadline) break;
    }
    const summary = (m: Measure) => {
      const medians = kinds.map((k) => `${k}=${median(times[m].get(k)!).toFixed(1)}ms`).join(' ');
      const differences = others.map((k) => `${k} ${((median(ratios[m].get(k)!) - 1) * 100).toFixed(1)}%`).join(', ');
      return `${m}: ${medians}; median paired difference from wrongPassword ${differences} (standard error ${(error[m] * 100).toFixed(1)}%)`;
    };
    const report = `${rounds} rounds; ${summary('cpu')}; ${summary('wall')}`;
    console.log(`login timing: ${report}`);
    for (const k of kinds) expect(times.cpu.get(k)!.length).toBeGreaterThanOrEqual(30);
    // Sanity: the real hash ran (a few ms of CPU would mean cheap parameters and a meaningless comparison).
    expect(median(times.cpu.get('wrongPassword')!), report).toBeGreaterThan(10);
    for (const k of others) expect(Math.abs(median(ratios.cpu.get(k)!) - 1), `cpu, ${k}: ${report}`).toBeLessThanOrEqual(0.1);
    if (error.wall <= TARGET_ERROR) {
      for (const k of others) expect(Math.abs(median(ratios.wall.get(k)!) - 1), `wall, ${k}: ${report}`).toBeLessThanOrEqual(0.1);
    } else {
      console.log(`login timing: wall time not judged, the machine is too loaded to measure it to ±${TARGET_ERROR * 100}% (CPU time and rows written were)`);
    }
  }, 150_000);
});
