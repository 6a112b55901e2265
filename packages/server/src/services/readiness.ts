/**
 * Readiness: may a load balancer send this instance requests? Only when its
 * database answers and holds every migration of this release. (Liveness —
 * the process runs — needs no service: GET /api/health never touches the
 * database, so a database outage never gets healthy instances restarted.)
 */
import { AppError } from '../errors.js';
import type { Storage } from '../storage/types.js';

export class Readiness {
  constructor(private readonly storage: Pick<Storage, 'ping' | 'migrationStatus'>) {}

  /** Resolves when ready; otherwise throws a 503 AppError whose message says why. */
  async check(): Promise<void> {
    let pending: string[];
    try {
      await this.storage.ping();
      ({ pending } = await this.storage.migrationStatus());
    } catch (e) {
      throw new AppError('DATABASE_UNAVAILABLE', 'Not ready: the database does not answer.', { 'retry-after': '1' }, { cause: e });
    }
    if (pending.length > 0) {
      throw new AppError(
        'SCHEMA_NOT_CURRENT',
        `Not ready: the database lacks ${pending.length} migration(s) of this release (${pending.join(', ')}): run \`semauth migrate\`.`,
      );
    }
  }
}
