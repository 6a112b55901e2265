/**
 * The users administration API against Semaphore's own contract (its
 * api-docs.yml, users subset, verbatim from upstream): every response of a
 * scripted session — as an administrator and as a plain user — must be a
 * documented status with a documented content type and a body matching the
 * schema. Statuses semauth adds (403, 404, 409 …) are checked elsewhere.
 *
 * @dialects sqlite postgres
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { login } from '../support/http.js';
import { contractCaller } from './contract-call.js';
import { loadContract, type Contract } from './swagger.js';

/** A copy of shared/reference/semaphore-users-api.yml, checked below against the original wherever that is present. */
const CONTRACT = fileURLToPath(new URL('./semaphore-users-api.yml', import.meta.url));
const ORIGINAL = fileURLToPath(new URL('../../../../../shared/reference/semaphore-users-api.yml', import.meta.url));

let t: TestApp;
let contract: Contract;
const checked: string[] = [];

beforeAll(async () => {
  contract = await loadContract(CONTRACT);
  t = await startTestApp();
});
afterAll(() => t.close());

const call = contractCaller(() => contract, () => t.origin, checked);
/** Signing in is the auth contract's business (semaphore-contract.test.ts). */
const signIn = (auth: string, password: string) => login(t.api, auth, password);

describe("Semaphore's contract (api-docs.yml, users subset)", () => {
  it('holds for every response of a scripted session', async () => {
    const admin = { cookie: await signIn('admin', ADMIN_PASSWORD) };
    await call('GET', '/users', { headers: admin });
    // The contract's own example bodies (x-example), plus a password.
    const created = await call('POST', '/users', {
      headers: admin,
      body: { name: 'Integration Test User', username: 'test-user', email: 'test@ansiblesemaphore.test', alert: false, admin: false, password: 'test-user-password' },
    });
    expect(created.status).toBe(201);
    const id = created.json().id as number;
    await call('POST', '/users', { headers: admin, body: { name: 'No Username', email: 'nouser@example.org' } });
    await call('GET', `/users/${id}/`, { headers: admin });
    await call('PUT', `/users/${id}/`, { headers: admin, body: { name: 'Integration Test User2', username: 'test-user2', email: 'test2@ansiblesemaphore.test', alert: true, admin: false } });
    await call('POST', `/users/${id}/password`, { headers: admin, body: { password: 'a-new-password-1' } });

    // A plain user: the minimal list, their own profile, their own password.
    const own = { cookie: await signIn('test-user2', 'a-new-password-1') };
    const listed = await call('GET', '/users', { headers: own });
    expect(Object.keys(listed.json()[0]).sort()).toEqual(['id', 'name', 'username']);
    await call('GET', `/users/${id}`, { headers: own });
    await call('POST', `/users/${id}/password`, { headers: own, body: { password: 'a-newer-password-2', current_password: 'a-new-password-1' } });

    await call('DELETE', `/users/${id}/`, { headers: admin });

    expect(contract.operations).toHaveLength(6);
    for (const op of contract.operations) expect(checked.some((c) => c.startsWith(`${op} `)), op).toBe(true);
    expect(checked).toContain('POST /users 400');
  });
});

it.runIf(existsSync(ORIGINAL))('uses an unchanged copy of the shared contract', () => {
  expect(readFileSync(CONTRACT, 'utf8')).toBe(readFileSync(ORIGINAL, 'utf8'));
});
