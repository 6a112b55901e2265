/**
 * Turns any failure of a command into the one line the CLI prints. Expected
 * failures (bad settings, unknown users, bad flags) carry their own message;
 * failures of the system (database unreachable, port taken, unreadable file)
 * are named after the setting the operator has to look at.
 */
import { settingName } from '../config/load.js';
import { ConfigError } from '../config/parsers.js';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors.js';
import { isUnavailable } from '../storage/kysely/errors.js';
import { NewerSchemaError } from '../storage/migrations.js';

/** An expected failure: printed as one line, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

type SystemError = NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };

/** PostgreSQL SQLSTATE classes that mean "cannot log in" or "no such database" rather than a bug. */
const PG_CONNECTION_CODES = /^(28|3D)/;

/**
 * One line (no stack) for an error of the given command. `config` is known
 * once the settings loaded; it lets database errors name the file or server.
 */
export function describeError(e: unknown, config?: Config): string {
  if (e instanceof AppError || e instanceof ConfigError || e instanceof CliError) return oneLine(e.message);
  if (e instanceof NewerSchemaError) return `${e.message}${databaseHint(config)}`;
  const err = (e ?? {}) as SystemError;
  const code = typeof err.code === 'string' ? err.code : '';
  const message = oneLine(err.message || code || String(e));

  if (err.syscall === 'listen' || code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL') {
    const where = err.address !== undefined ? `${err.address}:${err.port}` : 'the configured address';
    const hint = code === 'EADDRINUSE' ? 'is another server running? set SEMAPHORE_PORT' : 'check SEMAPHORE_INTERFACE and SEMAPHORE_PORT';
    return `cannot listen on ${where}: ${message} (${hint})`;
  }
  if (err.syscall === 'getaddrinfo' && config && err.hostname === config.interface) {
    return `cannot listen on ${config.interface}: ${message} (SEMAPHORE_INTERFACE must be an address of this machine)`;
  }
  if (isDatabaseError(code, err)) return `database error: ${message}${databaseHint(config)}`;
  if (err.syscall) return `${message}`;
  return `unexpected error: ${message}`;
}

function isDatabaseError(code: string, err: SystemError): boolean {
  // The server's own notion of "database unreachable" (network, SQLSTATE 08/53/57P, pg's messages)…
  if (isUnavailable(err)) return true;
  // …plus what only a starting command meets: any SQLite error, bad credentials or database name, the file's directory.
  return code.startsWith('SQLITE_') || PG_CONNECTION_CODES.test(code) || err.syscall === 'mkdir';
}

function databaseHint(config: Config | undefined): string {
  if (!config) return '';
  if (config.dialect === 'sqlite') return ` (SQLite file "${config.sqlitePath}", set by ${settingName(config, 'sqlitePath')})`;
  return config.pgUrl !== ''
    ? ` (PostgreSQL at ${settingName(config, 'pgUrl')})`
    : ` (PostgreSQL at ${config.pgHost}, set by SEMAPHORE_DB_HOST / SEMAPHORE_DB_PORT / SEMAPHORE_DB_USER / SEMAPHORE_DB)`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}
