/** `semauth audit` — read the audit log. */
import type { Command } from 'commander';
import { parseDuration, toRfc3339 } from '../../time.js';
import { CliError, type GlobalOptions, print, withServices } from '../context.js';

export function auditCommand(program: Command): void {
  program
    .command('audit')
    .description('show audit log entries, newest first')
    .option('--user <login>', 'only entries about this login')
    .option('--since <duration>', 'only entries newer than this, e.g. 1h, 7d')
    .option('--limit <n>', 'at most this many entries', '1000')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isSafeInteger(limit) || limit < 1) throw new CliError('--limit must be a positive integer');
      let since: number | undefined;
      if (opts.since !== undefined) {
        const ms = parseDuration(opts.since);
        if (ms === null) throw new CliError(`--since: "${opts.since}" is not a duration like 1h or 7d`);
        since = Date.now() - ms;
      }
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (_s, storage) => {
        let userId: number | undefined;
        if (opts.user !== undefined) userId = (await storage.users.findByLogin(opts.user))?.id;
        const entries = await storage.audit.query({
          ...(opts.user !== undefined ? { login: opts.user } : {}),
          ...(userId !== undefined ? { userId } : {}),
          ...(since !== undefined ? { since } : {}),
          limit,
        });
        // Entries written without a login (logouts before it was recorded) are named by their user, while it exists.
        const logins = new Map<number, string>();
        for (const e of entries) {
          if (e.login !== null || e.userId === null || logins.has(e.userId)) continue;
          const user = await storage.users.findById(e.userId);
          if (user) logins.set(e.userId, user.username);
        }
        // snake_case, like every other JSON semauth prints or serves.
        const rows = entries.map((e) => ({
          id: e.id,
          at: toRfc3339(e.at),
          event: e.event,
          user_id: e.userId,
          login: e.login ?? (e.userId !== null ? (logins.get(e.userId) ?? null) : null),
          address: e.address,
          user_agent: e.userAgent,
          detail: e.detail,
        }));
        print(rows, opts.json, () =>
          rows
            .map((e) => [e.at, e.event, e.login ?? (e.user_id !== null ? `#${e.user_id}` : '-'), e.address ?? '-', e.detail ? JSON.stringify(e.detail) : ''].join('\t'))
            .join('\n') || '(no entries)',
        );
      });
    });
}
