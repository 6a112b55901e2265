/**
 * What every CLI command shares: the same settings the server reads, a
 * migrated database (so commands work on a missing or empty file), services,
 * and clean closing.
 */
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createServices, type Services } from '../services/index.js';
import { openStorage } from '../storage/open.js';
import type { Storage } from '../storage/types.js';

export interface GlobalOptions {
  config?: string;
}

export function cliConfig(global: GlobalOptions): Config {
  return loadConfig(global.config ? { configFile: global.config } : {});
}

export async function withServices<T>(global: GlobalOptions, fn: (s: Services, storage: Storage, config: Config) => Promise<T>): Promise<T> {
  const config = cliConfig(global);
  const storage = await openStorage(config);
  try {
    await storage.migrate();
    return await fn(createServices(storage, config), storage, config);
  } finally {
    await storage.close();
  }
}

/** Where a command's password comes from: flag, stdin or environment (keeps it out of `ps`). */
export async function readPassword(opts: { password?: string; passwordStdin?: boolean }, required: boolean): Promise<string | undefined> {
  if (opts.password !== undefined && opts.passwordStdin) throw new CliError('use either --password or --password-stdin, not both');
  if (opts.password !== undefined) return opts.password;
  if (opts.passwordStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (text === '') throw new CliError('--password-stdin: standard input was empty');
    return text;
  }
  const fromEnv = process.env.SEMAUTH_USER_PASSWORD;
  if (fromEnv) return fromEnv;
  if (required) throw new CliError('a password is required: --password, --password-stdin or SEMAUTH_USER_PASSWORD');
  return undefined;
}

/** An expected failure: printed as one line, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export function print(value: unknown, json: boolean | undefined, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}
