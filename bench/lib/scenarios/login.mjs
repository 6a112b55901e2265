// Scenarios 3 and 4: password logins against the raw Argon2 verify rate of
// the same hash with the same number of threads, and bearer requests while
// a login storm keeps every hashing thread busy.
import { createToken, login } from '../api.mjs';
import { assertClean, runHashBaseline, runLoad } from '../load.mjs';
import { startSemauth } from '../processes.mjs';
import { figure, median, medianRatio } from '../stats.mjs';
import { fmt } from './auth.mjs';

const ADMIN_PASSWORD = 'bench-admin-password-1';

export async function loginScenarios({ settings, databases, log }) {
  const { threads } = settings;
  const dbEnv = await databases.fresh('login');
  // The server's default Argon2 parameters: the admin's hash is made with them at boot.
  const server = await startSemauth({ dbEnv, threads, env: { SEMAUTH_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  try {
    const hash = await databases.passwordHash(dbEnv, 'admin');
    const cookie = await login(server.origin, 'admin', ADMIN_PASSWORD);
    const token = await createToken(server.origin, cookie);
    return [...(await loginVsHash(server, hash, settings, log)), await bearerUnderStorm(server, token, settings, log)];
  } finally {
    await server.stop();
  }
}

function loginJob(server, settings, durationSec) {
  return {
    origin: server.origin,
    path: '/api/auth/login',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: 'admin', password: ADMIN_PASSWORD }),
    // More logins in flight than threads, so that no hashing thread ever waits for work.
    connections: settings.login.inFlight,
    durationSec,
  };
}

async function loginVsHash(server, hash, settings, log) {
  const s = settings.login;
  const raw = (d) => runHashBaseline({ threads: settings.threads, hash, password: ADMIN_PASSWORD, concurrency: s.inFlight, durationSec: d });
  const logins = async (d) => assertClean('login', await runLoad(loginJob(server, settings, d)));
  await raw(s.warmupSec);
  await logins(s.warmupSec);
  const rates = { login: [], raw: [] };
  for (let round = 0; round < s.rounds; round++) {
    const steps = [async () => rates.login.push((await logins(s.durationSec)).rps), async () => rates.raw.push((await raw(s.durationSec)).rate)];
    if (round % 2) steps.reverse();
    for (const step of steps) await step();
    log(`  round ${round + 1}/${s.rounds}: ${rates.login.at(-1).toFixed(1)} logins/s, ${rates.raw.at(-1).toFixed(1)} raw verifies/s`);
  }
  const m = { login: median(rates.login), raw: median(rates.raw) };
  return [
    figure('login_ratio', medianRatio(rates.login, rates.raw), 0.85, 'higher', {
      detail: `median ${m.login.toFixed(1)} logins/s vs ${m.raw.toFixed(1)} Argon2 verifies/s (${settings.threads} threads)`,
      logins_per_sec: m.login,
      verifies_per_sec: m.raw,
      threads: settings.threads,
      rounds: rates.login,
      baseline_rounds: rates.raw,
    }),
  ];
}

async function bearerUnderStorm(server, token, settings, log) {
  const s = settings.storm;
  const bearer = (d) =>
    runLoad({ origin: server.origin, path: '/api/user', headers: { authorization: `Bearer ${token}` }, connections: settings.connections, durationSec: d });
  const calm = async () => assertClean('bearer', await bearer(s.durationSec));
  const stormy = async () => {
    // The storm starts first and outlasts the measured window on both sides.
    const storm = runLoad(loginJob(server, settings, s.durationSec + 2 * s.rampSec));
    await new Promise((r) => setTimeout(r, s.rampSec * 1000));
    const r = assertClean('bearer under storm', await bearer(s.durationSec));
    const stormResult = await storm;
    if (stormResult.ok === 0) throw new Error('the login storm completed no logins');
    return { ...r, logins: stormResult.rps };
  };
  await bearer(s.warmupSec);
  const runs = { calm: [], storm: [] };
  for (let round = 0; round < s.rounds; round++) {
    const steps = [async () => runs.calm.push(await calm()), async () => runs.storm.push(await stormy())];
    if (round % 2) steps.reverse();
    for (const step of steps) await step();
    const c = runs.calm.at(-1);
    const t = runs.storm.at(-1);
    log(`  round ${round + 1}/${s.rounds}: calm ${fmt(c.rps)} req/s p99 ${c.p99.toFixed(2)} ms; storm ${fmt(t.rps)} req/s p99 ${t.p99.toFixed(2)} ms (${t.logins.toFixed(1)} logins/s)`);
  }
  const m = {
    calm: median(runs.calm.map((r) => r.rps)),
    storm: median(runs.storm.map((r) => r.rps)),
    calmP99: median(runs.calm.map((r) => r.p99)),
    stormP99: median(runs.storm.map((r) => r.p99)),
    logins: median(runs.storm.map((r) => r.logins)),
  };
  return figure('bearer_under_login_storm_ratio', medianRatio(runs.storm.map((r) => r.rps), runs.calm.map((r) => r.rps)), 0.4, 'higher', {
    detail: `median ${fmt(m.storm)} vs ${fmt(m.calm)} req/s; p99 ${m.stormP99.toFixed(2)} ms vs ${m.calmP99.toFixed(2)} ms; ${m.logins.toFixed(1)} logins/s`,
    rps_storm: m.storm,
    rps_calm: m.calm,
    p99_ms_storm: m.stormP99,
    p99_ms_calm: m.calmP99,
    storm_logins_per_sec: m.logins,
  });
}
