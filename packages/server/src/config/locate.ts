/**
 * Which config.json to read, the way Semaphore finds its own — plus
 * SEMAUTH_CONFIG, semauth's earlier name for it:
 *
 *   1. `--config FILE`
 *   2. $SEMAPHORE_CONFIG_PATH
 *   3. $SEMAUTH_CONFIG
 *   4. the first that exists of ./config.json, /usr/local/etc/semaphore/config.json,
 *      /etc/semaphore/config.json (the search; the CLI's server and commands only)
 *   5. none: environment variables and defaults alone.
 *
 * A file named explicitly (1–3) must exist; searched places may not. The two
 * variables come before the search (Semaphore's order would put SEMAUTH_CONFIG
 * nowhere): a file someone named on purpose must never lose to a config.json
 * that merely lies in the working directory.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CONFIG_SEARCH_PATHS = ['config.json', '/usr/local/etc/semaphore/config.json', '/etc/semaphore/config.json'] as const;

export interface ConfigLocation {
  /** Absolute path of the file. */
  path: string;
  /** How it was chosen: `--config`, an environment variable's name, or `search`. */
  source: '--config' | 'SEMAPHORE_CONFIG_PATH' | 'SEMAUTH_CONFIG' | 'search';
}

export interface LocateOptions {
  /** The `--config` flag's value. */
  flag?: string | undefined;
  env: Record<string, string | undefined>;
  /** Look in the standard places when nothing is named (default: no). */
  search?: boolean;
  /** Directory `./config.json` is relative to (default: the process's). */
  cwd?: string;
  exists?: (path: string) => boolean;
}

export function locateConfigFile(opts: LocateOptions): ConfigLocation | null {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.flag) return { path: resolve(cwd, opts.flag), source: '--config' };
  for (const name of ['SEMAPHORE_CONFIG_PATH', 'SEMAUTH_CONFIG'] as const) {
    const value = opts.env[name];
    if (value !== undefined && value !== '') return { path: resolve(cwd, value), source: name };
  }
  if (!opts.search) return null;
  const exists = opts.exists ?? existsSync;
  for (const candidate of CONFIG_SEARCH_PATHS) {
    const path = resolve(cwd, candidate);
    if (exists(path)) return { path, source: 'search' };
  }
  return null;
}
