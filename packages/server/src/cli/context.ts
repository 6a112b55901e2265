/**
 * What every CLI command shares: the same settings the server reads, a
 * migrated database, services, and clean closing. Only commands that are
 * meant to start a database (`migrate`, `user add`; the server has its own
 * start) may create a missing SQLite file, and they say so; the others fail
 * with the path they looked at.
 */
import { loadConfigWithSource } from '../config/load.js';
import type { ConfigLocation } from '../config/locate.js';
import type { Config } from '../config/schema.js';
import { createServices, type Services } from '../services/index.js';
import { openStorage } from '../storage/open.js';
import type { Storage } from '../storage/types.js';
import { CliError, describeError } from './errors.js';

export { CliError } from './errors.js';

export interface GlobalOptions {
  config?: string;
}

/** The environment variable a password may come from (keeps it out of `ps`). */
export const PASSWORD_ENV = 'SEMAUTH_USER_PASSWORD';

/** The settings, from the config file found as Semaphore finds its own (config/locate.ts) and the environment. */
export function cliConfig(global: GlobalOptions): Config {
  return cliConfigWithSource(global).config;
}

export function cliConfigWithSource(global: GlobalOptions): { config: Config; file: ConfigLocation | null } {
  return loadConfigWithSource({ ...(global.config ? { configFile: global.config } : {}), search: true });
}

/**
 * Runs `fn` against a migrated database. A missing SQLite file is created
 * (and announced on standard error) only with `create: true`. Errors of the
 * database itself are re-thrown as one line that names the file or server
 * they concern.
 */
export async function withServices<T>(
  global: GlobalOptions,
  fn: (s: Services, storage: Storage, config: Config) => Promise<T>,
  opts: { create?: boolean } = {},
): Promise<T> {
  const config = cliConfig(global);
  return withConfigInErrors(config, async () => {
    const storage = await openStorage(config, {
      create: opts.create ?? false,
      onCreated: (file) => process.stderr.write(`semauth: created a new SQLite database at ${file} (SEMAPHORE_DB_HOST)\n`),
    });
    try {
      await storage.migrate();
      return await fn(createServices(storage, config), storage, config);
    } finally {
      await storage.close();
    }
  });
}

/** Re-throws failures as CliErrors described with the settings in force. */
export async function withConfigInErrors<T>(config: Config, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(describeError(e, config), { cause: e });
  }
}

export interface PasswordOptions {
  password?: string;
  passwordStdin?: boolean;
}

/**
 * Where a command's password comes from: `--password`, `--password-stdin`
 * or, when `fromEnv`, $SEMAUTH_USER_PASSWORD.
 */
export async function readPassword(opts: PasswordOptions, fromEnv: boolean): Promise<string | undefined> {
  if (opts.password !== undefined && opts.passwordStdin) throw new CliError('use either --password or --password-stdin, not both');
  if (opts.password !== undefined) return opts.password;
  if (opts.passwordStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (text === '') throw new CliError('--password-stdin: standard input was empty');
    return text;
  }
  if (fromEnv) return process.env[PASSWORD_ENV] || undefined;
  return undefined;
}

export function print(value: unknown, json: boolean | undefined, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}
