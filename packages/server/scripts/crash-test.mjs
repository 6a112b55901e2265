#!/usr/bin/env node
// Crash safety: writers create API tokens as fast as they can against a real
// `semauth server`, the process is killed with SIGKILL at a random moment,
// restarted on the same SQLite file, and then every token whose 201 answer
// reached a writer must authenticate, its `token.created` audit entry must
// exist, and `PRAGMA integrity_check` must say `ok`. Repeated for several
// rounds on the same file.
//
//   node packages/server/scripts/crash-test.mjs [--rounds 8] [--writers 8] [--min-ms 300] [--max-ms 2500]
//
// Needs the built server (`npm run build`). Exit code 0 when nothing was lost.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { ADMIN_PASSWORD, parseFlags, startServer, tempDatabase } from './lib/server-process.mjs';

function integrityCheck(dbPath) {
  const db = new Database(dbPath);
  try {
    return db.pragma('integrity_check', { simple: false }).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

function auditedTokenIds(dbPath) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return new Set(db.prepare("select detail from audit_log where event = 'token.created'").all().map((r) => JSON.parse(r.detail).token_id));
  } finally {
    db.close();
  }
}

async function login(api) {
  const r = await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: 'admin', password: ADMIN_PASSWORD }) });
  if (r.status !== 204) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  return r.headers.get('set-cookie').split(';')[0];
}

/** Checks that every acknowledged token authenticates; returns the ones that do not. */
async function verify(api, tokens, concurrency = 8) {
  const lost = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++];
        const r = await fetch(`${api}/user`, { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        if (r.status !== 200) lost.push({ token: `${token.slice(0, 8)}…`, status: r.status });
      }
    }),
  );
  return lost;
}

/**
 * Runs the crash test and resolves with its numbers:
 * { passed, rounds, acknowledged, verified, lost, missingAudit, failedWrites, integrity, perRound[] }.
 * The temporary database is deleted when the run passed (and `cleanup`).
 */
export async function runCrashTest({ rounds = 8, writers = 8, minMs = 300, maxMs = 2500, dbPath = tempDatabase('semauth-crash-'), cleanup = true, log = () => {} } = {}) {
  const acknowledged = [];
  const perRound = [];
  let failedWrites = 0;
  let lost = [];
  let missingAudit = [];
  const integrity = [];

  for (let round = 1; round <= rounds + 1; round++) {
    const server = await startServer({ dbPath });
    const api = `${server.url}/api`;
    // After a crash: everything acknowledged before it must be there.
    if (acknowledged.length > 0) {
      const roundLost = await verify(api, acknowledged);
      lost = lost.concat(roundLost);
      const audited = auditedTokenIds(dbPath);
      missingAudit = missingAudit.concat(acknowledged.filter((t) => !audited.has(t.slice(0, 8))).map((t) => `${t.slice(0, 8)}…`));
      log(`round ${round - 1}: after restart ${acknowledged.length - roundLost.length}/${acknowledged.length} acknowledged tokens authenticate`);
    }
    if (round > rounds) {
      await server.kill('SIGTERM');
      break;
    }

    const cookie = await login(api);
    let stop = false;
    let roundAcks = 0;
    let inFlightAtKill = 0;
    const writer = async () => {
      while (!stop) {
        try {
          inFlightAtKill++;
          const r = await fetch(`${api}/user/tokens`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"name":"crash"}' });
          const body = await r.json();
          inFlightAtKill--;
          // The 201 and its whole body reached the client: the server promised durability.
          if (r.status === 201 && typeof body.id === 'string') {
            acknowledged.push(body.id);
            roundAcks++;
          } else failedWrites++;
        } catch {
          // Killed mid-request: not acknowledged, so not promised.
          inFlightAtKill--;
          if (stop) return;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    };
    const running = Array.from({ length: writers }, writer);
    const delay = minMs + Math.floor(Math.random() * (maxMs - minMs));
    await new Promise((r) => setTimeout(r, delay));
    const inFlight = inFlightAtKill;
    const exit = await server.kill('SIGKILL');
    stop = true;
    await Promise.all(running);
    const check = integrityCheck(dbPath);
    integrity.push(check);
    perRound.push({ round, killedAfterMs: delay, acknowledged: roundAcks, inFlightAtKill: inFlight, signal: exit.signal, integrity: check });
    log(`round ${round}: SIGKILL after ${delay} ms, ${roundAcks} tokens acknowledged, ${inFlight} requests in flight; integrity_check: ${check}`);
  }
  const finalIntegrity = integrityCheck(dbPath);
  integrity.push(finalIntegrity);
  const passed = lost.length === 0 && missingAudit.length === 0 && integrity.every((c) => c === 'ok');
  // Keep the database of a failed run for inspection.
  if (passed && cleanup) rmSync(dirname(dbPath), { recursive: true, force: true });
  return {
    passed,
    rounds,
    writers,
    dbPath,
    acknowledged: acknowledged.length,
    verified: acknowledged.length - new Set(lost.map((l) => l.token)).size,
    lost,
    missingAudit,
    failedWrites,
    integrity: integrity.every((c) => c === 'ok') ? 'ok' : integrity.filter((c) => c !== 'ok'),
    perRound,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opts = parseFlags(process.argv.slice(2), { rounds: 8, writers: 8, minMs: 300, maxMs: 2500 });
  const started = Date.now();
  const result = await runCrashTest({ ...opts, log: (line) => console.log(line) });
  const ok = result.passed;
  console.log(
    `\ncrash test: ${result.rounds} SIGKILLs, ${result.writers} writers, ${result.acknowledged} tokens acknowledged, ` +
      `${result.verified} authenticate after restarts, ${result.lost.length} lost, ${result.missingAudit.length} without audit entry, ` +
      `integrity_check ${JSON.stringify(result.integrity)}, ${((Date.now() - started) / 1000).toFixed(1)} s — ${ok ? 'PASS' : 'FAIL'}`,
  );
  console.log(JSON.stringify({ ...result, perRound: undefined, finishedAt: new Date().toISOString() }));
  process.exitCode = ok ? 0 : 1;
}
