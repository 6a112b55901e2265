#!/usr/bin/env node
// The long fuzzing run: the same random requests as test/security/fuzz.test.ts
// (scripts/lib/fuzz-requests.mjs), at least 100 000 of them by default,
// against a real `semauth server` process. Stops by itself after --requests
// or --max-seconds, whichever comes first. Fails (exit 1) on any 5xx, stray
// or control-character response header, non-JSON error, lost connection,
// or if the server dies or stops answering /api/ping.
//
//   node packages/server/scripts/fuzz-long.mjs [--requests 100000] [--max-seconds 1200] [--concurrency 6] [--seed N]
//
// Needs the built server (`npm run build`).
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { LiveCredentials, describe, encode, materialize, problems, requestArbitrary, sendRaw } from './lib/fuzz-requests.mjs';
import { ADMIN_PASSWORD, parseFlags, rssMiB, startServer, tempDatabase } from './lib/server-process.mjs';

const opts = parseFlags(process.argv.slice(2), { requests: 100_000, maxSeconds: 1200, concurrency: 6, seed: Date.now() % 1_000_000 });
const dbPath = tempDatabase('semauth-fuzz-');
const server = await startServer({ dbPath });
const { hostname, port } = new URL(server.url);
const target = { host: hostname, port: Number(port) };
const live = new LiveCredentials({ ...target, apiPath: '/api', password: ADMIN_PASSWORD, localAddress: '127.0.0.250' });
const arbitrary = requestArbitrary({ prefix: '', origin: server.url });

const started = Date.now();
const deadline = started + opts.maxSeconds * 1000;
const statuses = new Map();
const failures = [];
let failureCount = 0;
let sent = 0;
let completed = 0;
let batch = 0;
let queue = [];
const rss = { start: await rssMiB(server.pid), max: 0 };

function nextRequest() {
  if (queue.length === 0) queue = fc.sample(arbitrary, { numRuns: 500, seed: opts.seed + batch++ });
  return queue.pop();
}

async function ping() {
  const res = await sendRaw(target, encode({ method: 'GET', target: '/api/ping', headers: [] }));
  return !res.error && res.status === 200 && res.body.toString() === 'pong';
}

async function worker(id) {
  let creds = await live.get();
  let mine = 0;
  while (sent < opts.requests && Date.now() < deadline) {
    sent++;
    if (++mine % 50 === 0) creds = await live.get();
    const req = materialize(nextRequest(), creds);
    const res = await sendRaw({ ...target, localAddress: `127.0.0.${1 + ((sent * 7 + id) % 60)}` }, encode(req));
    const found = problems(req, res);
    // 'closed': CONNECT, which Node itself hangs up on (no tunnel listener).
    statuses.set(res.status ?? 'closed', (statuses.get(res.status ?? 'closed') ?? 0) + 1);
    if (found.length > 0) {
      failureCount++;
      if (failures.length < 20) failures.push({ problems: found, request: describe(req), answer: res.head ?? res.error });
    }
    if (++completed % 5000 === 0) {
      const up = await ping();
      const mem = await rssMiB(server.pid);
      rss.max = Math.max(rss.max, mem ?? 0);
      const secs = (Date.now() - started) / 1000;
      console.log(`${completed} requests, ${secs.toFixed(0)} s, ${(completed / secs).toFixed(0)} req/s, server RSS ${mem} MiB, failures ${failureCount}${up ? '' : ', PING FAILED'}`);
      if (!up) {
        failureCount++;
        failures.push({ problems: ['/api/ping did not answer pong'], request: `after ${completed} requests`, answer: '' });
      }
    }
  }
}

try {
  await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => worker(i)));
} catch (e) {
  // A harness failure must not leave the server running.
  await server.kill('SIGKILL');
  throw e;
}
const seconds = (Date.now() - started) / 1000;
const alive = server.child.exitCode === null && server.child.signalCode === null;
const finalPing = alive && (await ping());
const login = await sendRaw(
  { ...target, localAddress: '127.0.0.251' },
  encode({ method: 'POST', target: '/api/auth/login', headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify({ auth: 'admin', password: ADMIN_PASSWORD })) }),
);
rss.end = await rssMiB(server.pid);
const exit = await server.kill('SIGTERM');
const serverErrors = server.output().split('\n').filter((l) => /"level":(50|60)/.test(l));

const ok = failureCount === 0 && alive && finalPing && login.status === 204 && exit.code === 0 && serverErrors.length === 0;
const summary = {
  requests: sent,
  seconds: Number(seconds.toFixed(1)),
  requestsPerSecond: Math.round(sent / seconds),
  concurrency: opts.concurrency,
  seed: opts.seed,
  statuses: Object.fromEntries([...statuses].sort(([a], [b]) => String(a).localeCompare(String(b)))),
  failures: failureCount,
  serverAliveAtEnd: alive,
  pingAtEnd: finalPing,
  loginAtEnd: login.status,
  serverExitOnSigterm: exit,
  serverErrorLogLines: serverErrors.length,
  credentialRenewals: live.renewals,
  serverRssMiB: rss,
  finishedAt: new Date().toISOString(),
};
for (const f of failures) console.log(`FAILURE: ${f.problems.join('; ')}\n  request: ${f.request}\n  answer: ${f.answer}`);
for (const l of serverErrors.slice(0, 5)) console.log(`SERVER ERROR LOG: ${l}`);
console.log(`\nfuzz-long: ${sent} requests in ${summary.seconds} s (${summary.requestsPerSecond} req/s), ${failureCount} failures — ${ok ? 'PASS' : 'FAIL'}`);
console.log(JSON.stringify(summary));
if (ok) rmSync(dirname(dbPath), { recursive: true, force: true });
else console.log(`database kept for inspection: ${dbPath}`);
process.exitCode = ok ? 0 : 1;
