/**
 * One sign-in's conversation with the directory, Semaphore's flow: connect
 * (LDAPS, or StartTLS before anything else), bind as the service account,
 * search `ldap_searchdn` with the filter, bind as the entry found with the
 * user's password. One connection per sign-in, closed at the end: nothing
 * outlives an outage, so the first sign-in after the directory is back works.
 *
 * Every failure is classified here, once: a wrong password is an answer; a
 * directory that cannot be reached, times out, shows a certificate that does
 * not verify, or refuses the service account is `unavailable` (the login then
 * answers 503, never 500), with the reason for the operator's log.
 */
import { Client, BusyError, InvalidCredentialsError, ResultCodeError, UnavailableError } from 'ldapts';
import { buildFilter } from './filter.js';
import { entryValues, type EntryValues } from './mappings.js';
import type { LdapSettings } from './settings.js';

/** The operation under way; the first one also opens the connection. */
export type Stage = 'starttls' | 'service-bind' | 'search' | 'user-bind';

export type DirectoryAnswer =
  /** The password is the entry's: these are its attributes. */
  | { kind: 'verified'; dn: string; values: EntryValues }
  | { kind: 'no-entry' }
  /** The filter matched several entries: which one the user meant is unknowable. */
  | { kind: 'ambiguous' }
  | { kind: 'wrong-password'; dn: string }
  | { kind: 'unavailable'; stage: Stage; error: Error };

/** Binds and searches of one sign-in: StartTLS, service bind, search, user bind. */
const OPERATIONS = 4;

export async function checkPassword(s: LdapSettings, login: string, password: string, attributes: string[]): Promise<DirectoryAnswer> {
  const client = new Client({
    url: s.url,
    connectTimeout: s.connectTimeoutMs,
    timeout: s.timeoutMs,
    // ldapts speaks TLS from the first byte whenever it is given TLS options: only for LDAPS.
    ...(s.tls === 'ldaps' ? { tlsOptions: { ...s.tlsOptions } } : {}),
  });
  // Each step has its own timeout in ldapts, except the TLS handshake after
  // StartTLS: this bounds the whole conversation, whatever hangs.
  const progress: { stage: Stage } = { stage: s.tls === 'starttls' ? 'starttls' : s.bindDn !== '' ? 'service-bind' : 'search' };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DirectoryAnswer>((resolve) => {
    const ms = s.connectTimeoutMs + OPERATIONS * s.timeoutMs;
    timer = setTimeout(() => resolve({ kind: 'unavailable', stage: progress.stage, error: new Error(`no answer within ${ms} ms`) }), ms);
  });
  try {
    return await Promise.race([converse(client, s, login, password, attributes, progress), deadline]);
  } finally {
    clearTimeout(timer);
    // Not awaited: closing must not wait on a directory that stopped answering.
    client.unbind().catch(() => {});
  }
}

async function converse(
  client: Client,
  s: LdapSettings,
  login: string,
  password: string,
  attributes: string[],
  progress: { stage: Stage },
): Promise<DirectoryAnswer> {
  try {
    // The first operation also opens the connection: a directory that is down shows there.
    if (s.tls === 'starttls') {
      progress.stage = 'starttls';
      await client.startTLS({ ...s.tlsOptions });
    }
    if (s.bindDn !== '') {
      progress.stage = 'service-bind';
      await client.bind(s.bindDn, s.bindPassword);
    }
    progress.stage = 'search';
    const { searchEntries } = await client.search(s.searchDn, {
      scope: 'sub',
      filter: buildFilter(s.filter, login),
      attributes,
      derefAliases: 'never',
      // Two are enough to know the answer is not one entry.
      sizeLimit: 2,
      timeLimit: Math.ceil(s.timeoutMs / 1000),
    });
    if (searchEntries.length === 0) return { kind: 'no-entry' };
    if (searchEntries.length > 1) return { kind: 'ambiguous' };
    const entry = searchEntries[0]!;
    progress.stage = 'user-bind';
    try {
      await client.bind(entry.dn, password);
    } catch (e) {
      if (isRefusal(e)) return { kind: 'wrong-password', dn: entry.dn };
      throw e;
    }
    return { kind: 'verified', dn: entry.dn, values: entryValues(entry) };
  } catch (e) {
    return { kind: 'unavailable', stage: progress.stage, error: e instanceof Error ? e : new Error(String(e)) };
  }
}

/**
 * The directory's "no" to the user's bind: invalid credentials, or any other
 * LDAP result refusing it (a locked or expired account, a policy) — except
 * "busy" and "unavailable", which say nothing about the password.
 */
function isRefusal(e: unknown): boolean {
  if (e instanceof InvalidCredentialsError) return true;
  return e instanceof ResultCodeError && !(e instanceof BusyError) && !(e instanceof UnavailableError);
}
