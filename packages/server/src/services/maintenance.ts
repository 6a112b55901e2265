/**
 * Periodic housekeeping of one server instance: audit entries past their
 * retention, throttling counters whose window has ended, sessions that can
 * never authenticate again, and OIDC sign-ins abandoned before their callback. Cheap by construction: each step is an indexed
 * delete, the audit one in bounded batches so no single statement holds the
 * write lock for long, and the timer never keeps the process alive. Several
 * instances may run it at once: the deletes are idempotent.
 */
import type { Storage } from '../storage/types.js';
import type { AuditService } from './audit.js';
import type { Clock } from './context.js';
import type { LoginThrottle } from './throttle.js';

export interface MaintenanceResult {
  audit: number;
  throttle: number;
  sessions: number;
  oidcStates: number;
}

/** Audit rows deleted per statement. */
export const AUDIT_BATCH = 5000;

export class Maintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MaintenanceResult> | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'sessions' | 'oidcStates'>,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly retentionDays: number,
    private readonly now: Clock,
    private readonly auditBatch = AUDIT_BATCH,
  ) {}

  /** One pass; concurrent calls share the pass in progress. */
  runOnce(): Promise<MaintenanceResult> {
    return (this.running ??= this.pass().finally(() => {
      this.running = undefined;
    }));
  }

  private async pass(): Promise<MaintenanceResult> {
    let audit = 0;
    for (;;) {
      const n = await this.audit.prune(this.retentionDays, this.auditBatch);
      audit += n;
      if (n < this.auditBatch) break;
      await new Promise((r) => setImmediate(r)); // let requests in between batches
    }
    const throttle = await this.throttle.prune();
    const sessions = await this.storage.sessions.prune(this.now());
    const oidcStates = await this.storage.oidcStates.prune(this.now());
    return { audit, throttle, sessions, oidcStates };
  }

  /** Runs every `intervalMs` until `stop()`; failures are reported, never thrown. */
  start(intervalMs: number, report: (result: MaintenanceResult | Error) => void): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.runOnce().then(report, (e: unknown) => report(e instanceof Error ? e : new Error(String(e))));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }
}
