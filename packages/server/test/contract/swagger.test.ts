/**
 * The contract checker itself (swagger.ts): a check that passes must mean the
 * answer conforms, so each kind of deviation is shown to be caught — on a
 * small fixture contract and on Semaphore's auth contract.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContract, type Contract } from './swagger.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const json = (body: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
const GOOD = { id: 7, created: '2026-11-27T17:32:36Z', kind: 'a', name: 'abc' };

describe('a Swagger 2.0 contract checker', () => {
  let fixture: Contract;
  beforeAll(async () => {
    fixture = await loadContract(here('./fixtures/checker.yml'));
  });

  it('passes a conforming answer, and lists the operations', () => {
    expect(fixture.check('GET', '/things/7', json(GOOD))).toEqual([]);
    expect(fixture.check('GET', '/things/7', { status: 404, contentType: 'application/json', body: '{"error":"no"}' })).toEqual([]);
    expect(fixture.check('GET', '/ping', { status: 200, contentType: 'text/plain; charset=utf-8', body: 'pong' })).toEqual([]);
    expect(fixture.operations.sort()).toEqual(['GET /ping', 'GET /things/{thing_id}']);
    expect(fixture.basePath).toBe('/api');
  });

  it.each([
    ['a missing required property', { id: 7 }, /must have required property 'created'/],
    ['a date-time that is not one', { ...GOOD, created: '27/11/2026' }, /must match format "date-time"/],
    ['a value outside the enum', { ...GOOD, kind: 'c' }, /must be equal to one of the allowed values/],
    ['a number below the minimum', { ...GOOD, id: 0 }, /must be >= 1/],
    ['a string over maxLength', { ...GOOD, name: 'abcdef' }, /must NOT have more than 5 characters/],
    ['a wrong type', { ...GOOD, id: '7' }, /body\/id must be integer/],
  ])('finds %s', (_n, body, problem) => {
    const found = fixture.check('GET', '/things/7', json(body));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(problem);
  });

  it('finds undocumented paths, methods and statuses, foreign content types and bodies that are not JSON', () => {
    expect(fixture.check('GET', '/nothing', json(GOOD))[0]).toMatch(/not in the contract/);
    expect(fixture.check('DELETE', '/things/7', json(GOOD))[0]).toMatch(/DELETE \/things\/\{thing_id\} is not in the contract/);
    expect(fixture.check('GET', '/things/7', { ...json(GOOD), status: 500 })[0]).toMatch(/not a documented status/);
    expect(fixture.check('GET', '/things/7', { ...json(GOOD), contentType: 'text/html' })[0]).toMatch(/content type/);
    expect(fixture.check('GET', '/things/7', { ...json(GOOD), body: '{"id":' })[0]).toMatch(/not JSON/);
    expect(fixture.check('GET', '/ping', { status: 200, contentType: 'text/plain', body: 'pang' })).toHaveLength(1);
  });

  it('refuses a contract with a misspelt schema keyword instead of ignoring it', async () => {
    await expect(loadContract(here('./fixtures/unknown-keyword.yml'))).rejects.toThrow(/Swagger schema validation failed[^]*responses\/200\/schema must NOT have additional properties/);
  });

  it("catches on Semaphore's contract what real clients trip over: a string flag, a null id, a user id of 0", async () => {
    const semaphore = await loadContract(here('./semaphore-auth-api.yml'));
    const token = { id: 'abcdefgh', created: '2026-11-27T17:32:36Z', expired: false, user_id: 1 };
    expect(semaphore.check('GET', '/user/tokens', json([token]))).toEqual([]);
    const found = semaphore.check('GET', '/user/tokens', json([{ ...token, expired: 'false' }, { ...token, id: null, user_id: 0 }]));
    expect(found.map((p) => p.replace(/^.*: body/, 'body').replace(/ \(.*$/, ''))).toEqual([
      'body/0/expired must be boolean',
      'body/1/id must be string',
      'body/1/user_id must be >= 1',
    ]);
  });
});
