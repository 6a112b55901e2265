/**
 * A real OpenLDAP directory for one test file: scripts/ldap-test-server.sh
 * under a name of this process (so parallel files and both dialect passes
 * each get their own), with helpers to add and change entries as the root
 * DN while it runs, to stop and start it, and to freeze it (SIGSTOP).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { REPO_ROOT } from './server-process.js';

const run = promisify(execFile);
export const LDAP_SCRIPT = join(REPO_ROOT, 'scripts/ldap-test-server.sh');

/** What the script prints about a started directory. */
export interface DirectoryFacts {
  dir: string;
  host: string;
  ldapPort: number;
  ldapsPort: number;
  caFile: string;
  suffix: string;
  peopleDn: string;
  rootDn: string;
  rootPassword: string;
  serviceDn: string;
  servicePassword: string;
  /** Seeded people and their passwords: alice, bob. */
  users: Record<string, string>;
}

export type TlsChoice = 'none' | 'ldaps' | 'starttls';

export interface TestDirectory extends DirectoryFacts {
  /** semauth's settings for this directory: LDAP on, the service account, people under ou=people. */
  env(opts?: { tls?: TlsChoice; ca?: boolean }): Record<string, string>;
  /** Adds an inetOrgPerson under ou=people. */
  addPerson(uid: string, attrs: { cn: string; mail?: string; password: string }): Promise<void>;
  /** Replaces attributes of the person `uid`. */
  changePerson(uid: string, attrs: Record<string, string>): Promise<void>;
  /** Stops slapd (data and ports kept); `resume` starts it again. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** SIGSTOP: the kernel still accepts connections, slapd answers nothing. `thaw` is SIGCONT. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  destroy(): Promise<void>;
}

/** For the hook that starts a directory: on a fresh machine it first installs slapd with apt-get. */
export const DIRECTORY_START_TIMEOUT = 300_000;

export async function startTestDirectory(prefix = 'ldap'): Promise<TestDirectory> {
  const name = `${prefix}-${process.pid}`;
  const script = async (cmd: string) => (await run('bash', [LDAP_SCRIPT, cmd, name], { timeout: 300_000 })).stdout.trim();
  // Directories a killed test run left behind (their process is gone).
  await run('bash', [LDAP_SCRIPT, 'prune'], { timeout: 60_000 });
  const facts = JSON.parse(await script('start')) as DirectoryFacts;

  async function asRoot<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ url: `ldap://${facts.host}:${facts.ldapPort}`, timeout: 10_000, connectTimeout: 10_000 });
    try {
      await client.bind(facts.rootDn, facts.rootPassword);
      return await fn(client);
    } finally {
      await client.unbind().catch(() => {});
    }
  }
  const personDn = (uid: string) => `uid=${uid},${facts.peopleDn}`;

  return {
    ...facts,
    env({ tls = 'none', ca = true } = {}) {
      return {
        SEMAPHORE_LDAP_ENABLE: 'true',
        SEMAPHORE_LDAP_SERVER: `${facts.host}:${tls === 'ldaps' ? facts.ldapsPort : facts.ldapPort}`,
        SEMAPHORE_LDAP_NEEDTLS: String(tls === 'ldaps'),
        SEMAUTH_LDAP_STARTTLS: String(tls === 'starttls'),
        ...(ca ? { SEMAUTH_LDAP_CA_FILE: facts.caFile } : {}),
        SEMAPHORE_LDAP_BIND_DN: facts.serviceDn,
        SEMAPHORE_LDAP_BIND_PASSWORD: facts.servicePassword,
        SEMAPHORE_LDAP_SEARCH_DN: facts.peopleDn,
        SEMAPHORE_LDAP_SEARCH_FILTER: '(&(objectClass=inetOrgPerson)(uid=%s))',
      };
    },
    addPerson: (uid, { cn, mail, password }) =>
      asRoot((c) =>
        c.add(personDn(uid), {
          objectClass: 'inetOrgPerson',
          uid,
          cn,
          sn: cn.split(' ').at(-1)!,
          ...(mail ? { mail } : {}),
          userPassword: password,
        }),
      ),
    changePerson: (uid, attrs) =>
      asRoot((c) =>
        c.modify(
          personDn(uid),
          Object.entries(attrs).map(([type, value]) => new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) })),
        ),
      ),
    pause: async () => void (await script('pause')),
    resume: async () => {
      const again = JSON.parse(await script('start')) as DirectoryFacts;
      if (again.ldapPort !== facts.ldapPort) throw new Error(`directory ${name} came back on port ${again.ldapPort}, not ${facts.ldapPort}`);
    },
    freeze: async () => void (await script('freeze')),
    thaw: async () => void (await script('thaw')),
    destroy: async () => void (await script('stop')),
  };
}
