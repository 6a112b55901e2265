/*
 * The real semauth server for the SDK's integration tests: the server
 * package's own helper starts `semauth server` as a child process on a free
 * loopback port with a fresh database and a bootstrapped `admin`.
 * It runs the compiled server (packages/server/dist): `npm run build` first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../../../server/test/support/server-process.js';
import { AuthenticationApi, Configuration } from '../../src/index.js';
import { REPO_ROOT } from './paths.js';

export type { ServerProcess };

/** Starts a server, failing with a useful message when it is not built. */
export async function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const compiled = join(REPO_ROOT, 'packages', 'server', 'dist', 'cli', 'main.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npm run build\` before the SDK's integration tests`);
  return startServerProcess({ env });
}

/** The API root of a running server, as the SDK's basePath wants it. */
export function apiRoot(server: ServerProcess): string {
  return `${server.url}/api`;
}

/** A fresh configuration for this server, optionally with credentials. */
export function configurationFor(server: ServerProcess, apiKey: { bearer?: string; cookie?: string } = {}): Configuration {
  return new Configuration({ basePath: apiRoot(server), apiKey, timeoutMs: 15_000 });
}

/** A configuration holding a fresh admin session (logged in through the SDK). */
export async function adminSession(server: ServerProcess): Promise<Configuration> {
  const configuration = configurationFor(server);
  await new AuthenticationApi(configuration).authLoginPost({ auth: 'admin', password: server.adminPassword });
  return configuration;
}
