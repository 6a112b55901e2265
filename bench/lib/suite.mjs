// The whole suite: settings, the three scenario groups in order, and the
// report object that run.mjs prints and writes to bench/results/latest.json.
import { availableParallelism, cpus, totalmem } from 'node:os';
import { openDatabases } from './databases.mjs';
import { authScenarios } from './scenarios/auth.mjs';
import { loginScenarios } from './scenarios/login.mjs';
import { scaleScenario } from './scenarios/scale.mjs';

/** The order of the figures in the table and the JSON. */
export const FIGURE_KEYS = [
  'bearer_rps_ratio',
  'cookie_rps_ratio',
  'login_ratio',
  'bearer_under_login_storm_ratio',
  'token_scale_ratio',
  'writes_per_authenticated_request',
];

/**
 * Password hashes the server computes at once, and so the threads of the raw
 * hashing baseline: SEMAUTH_HASHING_THREADS if set, else the server's own
 * default (one per core but one, at least one).
 */
const THREADS = Number(process.env.SEMAUTH_HASHING_THREADS) || Math.max(1, availableParallelism() - 1);

/** `settings` with `threads` hashing threads (and twice as many logins in flight). */
export function withThreads(settings, threads) {
  return { ...settings, threads, login: { ...settings.login, inFlight: 2 * threads } };
}

/** Full settings: about three minutes on a 2-core machine. */
export const FULL = {
  connections: 10,
  threads: THREADS,
  auth: { warmupSec: 2, rounds: 5, durationSec: 3 },
  // Five rounds: a round holds only ~200 logins, and the raw baseline alone moves by ±8 % between rounds.
  login: { warmupSec: 2, rounds: 5, durationSec: 4, inFlight: 2 * THREADS },
  storm: { warmupSec: 2, rounds: 3, durationSec: 3, rampSec: 1 },
  scale: { smallUsers: 100, smallTokens: 1_000, largeUsers: 100_000, largeTokens: 1_000_000, workingSet: 1_000, warmupSec: 2, rounds: 3, durationSec: 3 },
};

/** Tiny settings that exercise every code path in seconds (the unit test uses them). */
export const QUICK = {
  connections: 2,
  threads: 1,
  auth: { warmupSec: 0.3, rounds: 1, durationSec: 0.5 },
  login: { warmupSec: 0.3, rounds: 1, durationSec: 0.8, inFlight: 2 },
  storm: { warmupSec: 0.3, rounds: 1, durationSec: 0.5, rampSec: 0.3 },
  scale: { smallUsers: 5, smallTokens: 50, largeUsers: 50, largeTokens: 500, workingSet: 20, warmupSec: 0.3, rounds: 1, durationSec: 0.5 },
};

export function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/**
 * Runs every scenario and returns the report. `log` receives progress lines.
 * Throws when the dialect is unavailable (the message says why).
 */
export async function runSuite({ dialect = 'sqlite', settings = FULL, log = () => {} } = {}) {
  const started = performance.now();
  const databases = await openDatabases(dialect);
  const ctx = { settings, databases, log };
  const figures = [];
  let rssBytes = null;
  try {
    log('scenarios 1, 2, 6: GET /api/user by bearer and by cookie vs bare Fastify');
    figures.push(...(await authScenarios(ctx)));
    log(`scenarios 3, 4: logins vs raw Argon2 verify (${settings.threads} threads); bearer under a login storm`);
    figures.push(...(await loginScenarios(ctx)));
    log('scenario 5: bearer latency with a large vs a small token table');
    const scale = await scaleScenario(ctx);
    figures.push(...scale.figures);
    rssBytes = scale.rssBytes;
  } finally {
    await databases.close();
  }
  const byKey = Object.fromEntries(figures.map((f) => [f.key, f]));
  const ordered = FIGURE_KEYS.map((k) => byKey[k]);
  return {
    date: new Date().toISOString(),
    dialect,
    machine: machine(),
    settings,
    figures: Object.fromEntries(ordered.map(({ key, ...rest }) => [key, rest])),
    server_rss_after_scale_bytes: rssBytes,
    met: ordered.filter((f) => f.met).length,
    total: FIGURE_KEYS.length,
    duration_sec: Math.round((performance.now() - started) / 1000),
  };
}
