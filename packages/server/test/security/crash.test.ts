/**
 * Crash safety, the short version of scripts/crash-test.mjs: tokens written
 * under load, the server SIGKILLed mid-run and restarted on the same SQLite
 * file; every token whose 201 reached the client authenticates (and has its
 * audit entry), and PRAGMA integrity_check is ok. The long run:
 * `npm run crash-test -w @semauth/server`.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript shared with the script
import { runCrashTest } from '../../scripts/crash-test.mjs';
import { testDialect } from '../support/database.js';

describe.runIf(testDialect() === 'sqlite')('crash safety', () => {
  it('loses no acknowledged token across SIGKILLs under write load, and the database stays intact', async () => {
    const lines: string[] = [];
    const r = await runCrashTest({ rounds: 2, writers: 6, minMs: 400, maxMs: 1200, log: (l: string) => lines.push(l) });
    console.log(lines.join('\n'));
    expect(r.acknowledged).toBeGreaterThan(10);
    // Killed mid-run: requests were in flight every time.
    for (const round of r.perRound) {
      expect(round.signal).toBe('SIGKILL');
      expect(round.inFlightAtKill).toBeGreaterThan(0);
      expect(round.integrity).toBe('ok');
    }
    expect(r.lost).toEqual([]);
    expect(r.missingAudit).toEqual([]);
    expect(r.verified).toBe(r.acknowledged);
    expect(r.integrity).toBe('ok');
  }, 90_000);
});
