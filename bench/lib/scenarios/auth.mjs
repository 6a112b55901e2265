// Scenarios 1, 2 and 6: GET /api/user by bearer token and by session cookie
// against the framework's ceiling (a bare Fastify server sending the same
// body), and the database writes those authenticated requests cost.
import { createToken, getUser, login } from '../api.mjs';
import { assertClean, runLoad } from '../load.mjs';
import { startBare, startSemauth } from '../processes.mjs';
import { figure, median, medianRatio, round } from '../stats.mjs';

const ADMIN_PASSWORD = 'bench-admin-password-1';

export async function authScenarios({ settings, databases, log }) {
  const s = settings.auth;
  const server = await startSemauth({ dbEnv: await databases.fresh('auth'), env: { SEMAUTH_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  let bare;
  try {
    const cookie = await login(server.origin, 'admin', ADMIN_PASSWORD);
    const token = await createToken(server.origin, cookie);
    const body = await getUser(server.origin, { authorization: `Bearer ${token}` });
    if (JSON.stringify(await getUser(server.origin, { cookie })) !== JSON.stringify(body)) throw new Error('cookie and bearer see different users');
    bare = await startBare(body);

    const job = (origin, headers, durationSec) => ({ origin, path: '/api/user', headers, connections: settings.connections, durationSec });
    const targets = {
      // The baseline receives the bearer request's exact bytes and ignores them.
      bare: (d) => job(bare.origin, { authorization: `Bearer ${token}` }, d),
      bearer: (d) => job(server.origin, { authorization: `Bearer ${token}` }, d),
      cookie: (d) => job(server.origin, { cookie }, d),
    };
    const writesBefore = (await server.stats()).writes;
    let authenticated = 0;
    // Requests per look of the auth cache at its change signal, over the measured rounds:
    // on SQLite one look per event-loop turn, on PostgreSQL one round trip per batch.
    const perLook = { bearer: { requests: 0, looks: 0 }, cookie: { requests: 0, looks: 0 } };
    const run = async (name, d, measured = false) => {
      const proc = name === 'bare' ? bare : server;
      const looksBefore = measured && name !== 'bare' ? (await server.stats()).cache_looks : undefined;
      const cpuBefore = proc.cpuSeconds();
      const r = assertClean(name, await runLoad(targets[name](d)));
      // CPU time per request: unlike req/s, barely moved by other programs competing for the cores.
      r.cpuUs = cpuBefore === null ? NaN : ((proc.cpuSeconds() - cpuBefore) * 1e6) / r.ok;
      if (name !== 'bare') authenticated += r.ok;
      if (looksBefore !== undefined) {
        perLook[name].requests += r.ok;
        perLook[name].looks += (await server.stats()).cache_looks - looksBefore;
      }
      return r;
    };

    for (const name of Object.keys(targets)) await run(name, s.warmupSec);
    const rps = { bare: [], bearer: [], cookie: [] };
    const cpu = { bare: [], bearer: [], cookie: [] };
    const order = Object.keys(targets);
    for (let round = 0; round < s.rounds; round++) {
      // Rotate the order each round so that no target always runs first (or last).
      for (const name of [...order.slice(round % 3), ...order.slice(0, round % 3)]) {
        const r = await run(name, s.durationSec, true);
        rps[name].push(r.rps);
        cpu[name].push(r.cpuUs);
      }
      const show = (k) => `${k} ${fmt(rps[k].at(-1))} req/s (${cpu[k].at(-1).toFixed(1)} µs CPU/req)`;
      log(`  round ${round + 1}/${s.rounds}: ${show('bare')}, ${show('bearer')}, ${show('cookie')}`);
    }
    const writes = (await server.stats()).writes - writesBefore;
    const m = { bare: median(rps.bare), bearer: median(rps.bearer), cookie: median(rps.cookie) };
    const c = { bare: median(cpu.bare), bearer: median(cpu.bearer), cookie: median(cpu.cookie) };
    const rpl = (k) => round(perLook[k].requests / perLook[k].looks);
    return [
      figure('bearer_rps_ratio', medianRatio(rps.bearer, rps.bare), 0.7, 'higher', {
        detail: `median bearer ${fmt(m.bearer)} req/s vs bare Fastify ${fmt(m.bare)} req/s; CPU/request ratio ${round(c.bare / c.bearer)}; ${rpl('bearer')} requests per cache look`,
        rps: m.bearer,
        baseline_rps: m.bare,
        rounds: rps.bearer,
        baseline_rounds: rps.bare,
        cpu_us_per_request: round(c.bearer),
        baseline_cpu_us_per_request: round(c.bare),
        cpu_ratio: round(c.bare / c.bearer),
        requests_per_cache_look: rpl('bearer'),
      }),
      figure('cookie_rps_ratio', medianRatio(rps.cookie, rps.bare), 0.7, 'higher', {
        detail: `median cookie ${fmt(m.cookie)} req/s vs bare Fastify ${fmt(m.bare)} req/s; CPU/request ratio ${round(c.bare / c.cookie)}; ${rpl('cookie')} requests per cache look`,
        rps: m.cookie,
        baseline_rps: m.bare,
        rounds: rps.cookie,
        baseline_rounds: rps.bare,
        cpu_us_per_request: round(c.cookie),
        baseline_cpu_us_per_request: round(c.bare),
        cpu_ratio: round(c.bare / c.cookie),
        requests_per_cache_look: rpl('cookie'),
      }),
      figure('writes_per_authenticated_request', writes / authenticated, 0.01, 'lower', {
        detail: `${writes} writes over ${authenticated} bearer and cookie requests`,
        writes,
        requests: authenticated,
      }),
    ];
  } finally {
    await bare?.stop();
    await server.stop();
  }
}

export const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : String(x));
