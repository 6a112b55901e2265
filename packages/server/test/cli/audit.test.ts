import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStorage } from '../../src/storage/open.js';
import { cliEnv, ok } from './run.js';

let env: Record<string, string>;
beforeAll(async () => {
  env = await cliEnv();
  // `audit` only reads: it never creates the database.
  await ok(['migrate'], { env });
});

describe('semauth audit', () => {
  it('says so when there is nothing, then lists what the CLI did, newest first', async () => {
    expect((await ok(['audit'], { env })).stdout).toBe('(no entries)\n');
    await ok(['user', 'add', '--login', 'eve', '--name', 'Eve', '--email', 'eve@example.com', '--password', 'eve-password-1'], { env });
    const token = (await ok(['user', 'token', 'create', '--login', 'eve'], { env })).stdout.trim();

    const lines = (await ok(['audit'], { env })).stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\S+Z\\ttoken\\.created\\teve\\tcli\\t\\{"token_id":"${token.slice(0, 8)}"\\}$`));
    expect(lines[1]).toMatch(/^\S+Z\tuser\.created\teve\tcli\t\{"admin":false\}$/);

    const json = JSON.parse((await ok(['audit', '--user', 'eve', '--since', '1h', '--limit', '1', '--json'], { env })).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ event: 'token.created', login: 'eve', address: 'cli' });
    expect(JSON.stringify(json)).not.toContain(token);
  });

  it('names the user of an entry recorded without a login (logouts of earlier versions)', async () => {
    await ok(['user', 'add', '--login', 'old', '--name', 'Old', '--email', 'old@example.com', '--password', 'old-password-1'], { env });
    const storage = await openStorage(loadConfig({ env }));
    try {
      const id = (await storage.users.findByLogin('old'))!.id;
      await storage.audit.append({ at: Date.now(), event: 'logout', userId: id, login: null, address: '10.0.0.1', userAgent: null, detail: null });
    } finally {
      await storage.close();
    }
    expect((await ok(['audit', '--limit', '1'], { env })).stdout).toMatch(/^\S+Z\tlogout\told\t10\.0\.0\.1\t\n$/);
    expect(JSON.parse((await ok(['audit', '--limit', '1', '--json'], { env })).stdout)[0]).toMatchObject({ event: 'logout', login: 'old', user_agent: null });
  });
});
