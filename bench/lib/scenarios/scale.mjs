// Scenario 5: median bearer latency with a large database (1 000 000 tokens,
// 100 000 users) against a small one (1 000 tokens). Both servers answer the
// same number of distinct tokens, one per request in turn, with the
// in-process cache switched off: this scenario measures the database lookup
// (an index, or a scan), which the cache would otherwise hide.
import { assertClean, runLoad } from '../load.mjs';
import { startSemauth } from '../processes.mjs';
import { figure, median, medianRatio } from '../stats.mjs';

export const NO_CACHE_ENV = { SEMAUTH_AUTH_CACHE_ENTRIES: '0' };

async function seededServer(databases, name, sizes, log) {
  const dbEnv = await databases.fresh(name);
  const started = performance.now();
  const secrets = await databases.seed(dbEnv, sizes);
  log(`  seeded ${sizes.tokens.toLocaleString('en-US')} tokens, ${sizes.users.toLocaleString('en-US')} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const server = await startSemauth({ dbEnv, env: NO_CACHE_ENV });
  return { server, headers: secrets.map((t) => ({ authorization: `Bearer ${t}` })) };
}

export async function scaleScenario({ settings, databases, log }) {
  const s = settings.scale;
  const small = await seededServer(databases, 'small', { users: s.smallUsers, tokens: s.smallTokens, keep: s.workingSet }, log);
  let large;
  try {
    large = await seededServer(databases, 'large', { users: s.largeUsers, tokens: s.largeTokens, keep: s.workingSet }, log);
    const job = (t, d) => ({ origin: t.server.origin, path: '/api/user', rotateHeaders: t.headers, connections: settings.connections, durationSec: d });
    const run = async (label, t, d) => assertClean(label, await runLoad(job(t, d)));
    // Warm-up: every token's first use records "last used" once, in both databases alike.
    await run('small', small, s.warmupSec);
    await run('large', large, s.warmupSec);
    const p50 = { small: [], large: [] };
    for (let round = 0; round < s.rounds; round++) {
      const steps = [async () => p50.small.push((await run('small', small, s.durationSec)).p50), async () => p50.large.push((await run('large', large, s.durationSec)).p50)];
      if (round % 2) steps.reverse();
      for (const step of steps) await step();
      log(`  round ${round + 1}/${s.rounds}: median latency ${p50.small.at(-1).toFixed(3)} ms (small) vs ${p50.large.at(-1).toFixed(3)} ms (large)`);
    }
    const rss = large.server.rss();
    const m = { small: median(p50.small), large: median(p50.large) };
    return {
      figures: [
        figure('token_scale_ratio', medianRatio(p50.large, p50.small), 1.5, 'lower', {
          detail: `median ${m.large.toFixed(3)} ms with ${s.largeTokens.toLocaleString('en-US')} tokens vs ${m.small.toFixed(3)} ms with ${s.smallTokens.toLocaleString('en-US')}`,
          p50_ms_large: m.large,
          p50_ms_small: m.small,
          rounds: p50.large,
          baseline_rounds: p50.small,
        }),
      ],
      rssBytes: rss,
    };
  } finally {
    await large?.server.stop();
    await small.server.stop();
  }
}
