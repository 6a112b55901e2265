/**
 * `semauth healthcheck [--ready]`: asks the local server, at the address its
 * own settings give, for /api/health (or /api/ready) and exits 0 when it
 * answers 200. For a container's HEALTHCHECK or a supervisor's probe, where
 * curl may be missing and the port or web root may have been changed.
 */
import type { Command } from 'commander';
import { apiPrefix } from '../../app.js';
import type { Config } from '../../config/schema.js';
import { CliError, cliConfig, type GlobalOptions } from '../context.js';

const TIMEOUT_MS = 5000;

/** Where a local client reaches a server listening on `interface`: a wildcard address means loopback. */
export function localUrl(config: Config): string {
  const host = config.interface;
  const reach = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' || host === '[::]' ? '[::1]' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${reach}:${config.port}${apiPrefix(config)}`;
}

export function healthcheckCommand(program: Command): void {
  program
    .command('healthcheck')
    .description('exit 0 when the local server answers /api/health (or /api/ready with --ready), 1 otherwise')
    .option('--ready', 'ask /api/ready: the database answers and its schema is current')
    .action(async (opts: { ready?: boolean }, cmd: Command) => {
      const url = `${localUrl(cliConfig(cmd.optsWithGlobals<GlobalOptions>()))}/${opts.ready ? 'ready' : 'health'}`;
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (e) {
        const reason = (e as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
        throw new CliError(`${url}: ${reason}`);
      }
      const text = await response.text();
      if (response.status !== 200) throw new CliError(`${url}: ${response.status} ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
      process.stdout.write(`${url}: ${response.status} ${text}\n`);
    });
}
