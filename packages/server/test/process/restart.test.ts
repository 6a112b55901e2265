/**
 * Durability across process restarts and crashes: everything a 2xx promised
 * is there afterwards, and the database never holds a secret in plain text.
 *
 * @dialects sqlite postgres
 */
import { readFileSync, existsSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { freshDatabaseEnv, testDialect } from '../support/database.js';
import { createToken, http, login } from '../support/http.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

let running: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.kill('SIGKILL')));
  running = [];
});

async function start(dbEnv: Record<string, string>) {
  const s = await startServerProcess({ dbEnv });
  running.push(s);
  return s;
}

it.each(['SIGTERM', 'SIGKILL'] as const)('keeps users, sessions and tokens across a %s restart', async (signal) => {
  const dbEnv = await freshDatabaseEnv();
  const a = await start(dbEnv);
  const api = `${a.url}/api`;
  const cookie = await login(api, 'admin', a.adminPassword);
  const tokens = [];
  for (let i = 0; i < 5; i++) tokens.push(await createToken(api, { cookie }));
  const revoked = tokens.pop()!;
  expect((await http('DELETE', `${api}/user/tokens/${encodeURIComponent(revoked)}`, { headers: { cookie } })).status).toBe(204);
  await a.kill(signal);

  const b = await start(dbEnv);
  const api2 = `${b.url}/api`;
  expect((await http('GET', `${api2}/user`, { headers: { cookie } })).status).toBe(200);
  for (const tok of tokens) expect((await http('GET', `${api2}/user`, { headers: { authorization: `Bearer ${tok}` } })).status).toBe(200);
  expect((await http('GET', `${api2}/user`, { headers: { authorization: `Bearer ${revoked}` } })).status).toBe(401);
  // The first start created the admin; the second must not have created another or changed its password.
  await login(api2, 'admin', a.adminPassword);
});

it.runIf(testDialect() === 'sqlite')('never stores a token or session secret in plain text', async () => {
  const dbEnv = await freshDatabaseEnv('sqlite');
  const s = await start(dbEnv);
  const api = `${s.url}/api`;
  const cookie = await login(api, 'admin', s.adminPassword);
  const tokens = [await createToken(api, { cookie }), await createToken(api, { cookie }, { name: 'named' })];
  await http('GET', `${api}/user`, { headers: { authorization: tokens[0]! } });
  await s.stop();
  const files = [s.dbPath, `${s.dbPath}-wal`].filter(existsSync).map((f) => readFileSync(f));
  const raw = Buffer.concat(files).toString('latin1');
  expect(raw.length).toBeGreaterThan(0);
  expect(raw).toContain('named'); // proves the data is there to be searched
  const cookieSecret = cookie.split('.')[1]!;
  for (const secret of [...tokens, cookieSecret, s.adminPassword]) expect(raw.includes(secret), 'secret found in the database file').toBe(false);
});
