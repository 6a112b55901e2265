/**
 * The `semauth` command line. One top-level error handler: every failure
 * (bad config, unknown user, bad flags, database unreachable) prints one line
 * on stderr and exits non-zero. SEMAUTH_LOG_LEVEL=debug adds the stack of
 * unexpected errors.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit.js';
import { migrateCommand } from './commands/migrate.js';
import { serverCommand } from './commands/server.js';
import { userCommands } from './commands/user.js';
import { describeError } from './errors.js';

function packageVersion(): string {
  // dist/cli/main.js and src/cli/main.ts both sit two levels below package.json.
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('semauth')
    .description('Semaphore-compatible authentication service')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--config <file>', 'config.json to read (also $SEMAUTH_CONFIG); environment variables win over it')
    // One line per error, like every other failure of the CLI (subcommands inherit this).
    .configureOutput({ outputError: (str, write) => write(`semauth: ${str.replace(/^error: /, '').trimEnd()} (see --help)\n`) })
    .exitOverride();
  serverCommand(program);
  migrateCommand(program);
  userCommands(program);
  auditCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.commands.forEach(function override(c: Command) {
    c.exitOverride();
    c.commands.forEach(override);
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    // Commander has already printed its message (or the help / version).
    if (e instanceof CommanderError) return e.exitCode;
    process.stderr.write(`semauth: ${describeError(e)}\n`);
    if (/^(debug|trace)$/i.test(process.env.SEMAUTH_LOG_LEVEL ?? '')) {
      const cause = (e as Error)?.cause ?? e;
      process.stderr.write(`${(cause as Error)?.stack ?? String(cause)}\n`);
    }
    return 1;
  }
}
