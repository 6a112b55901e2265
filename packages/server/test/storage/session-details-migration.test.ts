/**
 * Migration 0005_session_details on a database an older semauth left with
 * sessions in it: they keep working, and list with no address or User-Agent
 * (null, not an empty string) until they end. On the dialect under test.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createServices } from '../../src/services/index.js';
import { openStorage } from '../../src/storage/open.js';
import { legacyDatabase } from '../support/legacy-database.js';

const NOW = Date.now();

describe('0005_session_details', () => {
  it('adds address and user_agent as null to existing sessions, which stay live', async () => {
    const env = await legacyDatabase('0004_auth_epoch', [{ username: 'old', email: 'old@example.org', password: 'old-password-1' }], async (db) => {
      const [user] = await db.selectFrom('users').select('id').execute();
      await db
        .insertInto('sessions')
        .values({ id: 'OLDSESSION000001', secret_hash: 'ab'.repeat(32), user_id: user!.id, created_at: NOW, last_active_at: NOW, expires_at: NOW + 86_400_000, revoked_at: null })
        .execute();
    });
    const config = loadConfig({ env });
    const storage = await openStorage(config);
    try {
      await storage.migrate();
      const old = await storage.sessions.findById('OLDSESSION000001');
      expect(old).toMatchObject({ address: null, userAgent: null, revokedAt: null });
      const services = createServices(storage, config);
      expect(await services.sessions.listLive(old!.userId)).toEqual([expect.objectContaining({ id: 'OLDSESSION000001', address: null, userAgent: null })]);
    } finally {
      await storage.close();
    }
  });
});
