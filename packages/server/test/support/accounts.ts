/**
 * Users for the users and sessions API tests: added straight through the
 * service (as the CLI would), each with a name of its own so that tests
 * sharing one server never meet, and ways to sign them in.
 */
import type { TestApp } from './app.js';
import { createToken, http, login } from './http.js';

export interface Account {
  id: number;
  login: string;
  email: string;
  password: string;
}

let seq = 0;

export async function addAccount(t: TestApp, opts: { admin?: boolean; external?: boolean; prefix?: string } = {}): Promise<Account> {
  const login = `${opts.prefix ?? 'user'}${++seq}`;
  const email = `${login}@example.org`;
  const password = opts.external ? undefined : `${login}-password-1`;
  const u = await t.services.users.add(
    { login, name: `Name of ${login}`, email, admin: opts.admin ?? false, external: opts.external ?? false, ...(password ? { password } : {}) },
    { address: 'test', userAgent: null },
  );
  return { id: u.id, login, email, password: password ?? '' };
}

/** The `semaphore=…` cookie of a new session of `a`. */
export function signIn(t: TestApp, a: Account, headers: Record<string, string> = {}): Promise<string> {
  return login(t.api, a.login, a.password, headers);
}

/** A new API token of `a` (through a session of its own). */
export async function tokenOf(t: TestApp, a: Account): Promise<string> {
  return createToken(t.api, { cookie: await signIn(t, a) });
}

/** The HTTP status of GET /user with these credentials: 200 while they work, 401 once they do not. */
export async function whoamiStatus(t: TestApp, headers: Record<string, string>): Promise<number> {
  return (await http('GET', `${t.api}/user`, { headers })).status;
}

export const JSON_CT = { 'content-type': 'application/json' };
