/**
 * Semaphore checks its server against api-docs.yml with contract tests; we
 * check semauth against the same contract (its auth subset, verbatim from
 * upstream): every response of a scripted session must be a documented
 * status with a documented content type and a body matching the schema.
 *
 * @dialects sqlite postgres
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { contractCaller } from './contract-call.js';
import { loadContract, type Contract } from './swagger.js';

/**
 * A copy of shared/reference/semaphore-auth-api.yml (Semaphore's Swagger,
 * auth subset), kept in the repository so the suite does not depend on what
 * lies beside the checkout; the test below checks the copy is still identical
 * wherever the original is present.
 */
const CONTRACT = fileURLToPath(new URL('./semaphore-auth-api.yml', import.meta.url));
const ORIGINAL = fileURLToPath(new URL('../../../../../shared/reference/semaphore-auth-api.yml', import.meta.url));

let t: TestApp;
let contract: Contract;
const checked: string[] = [];

beforeAll(async () => {
  contract = await loadContract(CONTRACT);
  t = await startTestApp();
});
afterAll(() => t.close());

const call = contractCaller(() => contract, () => t.origin, checked);

describe("Semaphore's contract (api-docs.yml, auth subset)", () => {
  it('holds for every response of a scripted session', async () => {
    const ping = await call('GET', '/ping');
    expect(ping.headers['content-type']).toBe('text/plain; charset=utf-8');
    await call('GET', '/auth/login');
    await call('POST', '/auth/login', { body: { auth: 'not json' } });
    const login = await call('POST', '/auth/login', { body: { auth: 'admin', password: ADMIN_PASSWORD } });
    const cookie = login.cookie();
    await call('GET', '/user/', { headers: { cookie } });
    const created = await call('POST', '/user/tokens', { headers: { cookie } });
    const token = created.json().id as string;
    const bearer = { authorization: `Bearer ${token}` };
    await call('GET', '/user/tokens', { headers: bearer });
    await call('POST', '/user/tokens', { headers: bearer });
    await call('DELETE', `/user/tokens/${encodeURIComponent(token)}`, { headers: { cookie } });
    await call('POST', '/auth/logout', { headers: { cookie } });

    // Every operation of the contract was exercised.
    expect(contract.operations).toHaveLength(8);
    for (const op of contract.operations) expect(checked.some((c) => c.startsWith(`${op} `)), op).toBe(true);
  });
});

it.runIf(existsSync(ORIGINAL))('uses an unchanged copy of the shared contract', () => {
  expect(readFileSync(CONTRACT, 'utf8')).toBe(readFileSync(ORIGINAL, 'utf8'));
});
