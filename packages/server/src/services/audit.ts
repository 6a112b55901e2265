/**
 * The audit trail: security events written durably to the database. Entries
 * hold logins, addresses and ids — never a password, cookie or token secret
 * (token events carry the 8-character listed id only).
 */
import type { AuditStore } from '../storage/types.js';
import type { Clock, ClientContext } from './context.js';
import { displayText } from './display-text.js';

export type AuditEvent =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'logout'
  | 'token.created'
  | 'token.revoked'
  | 'password.changed'
  | 'password.change_failed'
  | 'session.ended'
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'user.unlocked'
  | 'totp.enrolment_started'
  | 'totp.enabled'
  | 'totp.disabled';

/** Told of every event once it is recorded (metrics count logins and tokens this way). */
export type AuditListener = (event: AuditEvent, detail: Readonly<Record<string, unknown>> | null) => void;

export class AuditService {
  private readonly listeners: AuditListener[] = [];

  constructor(private readonly store: AuditStore, private readonly now: Clock) {}

  /** Adds a listener; it must be quick and must not throw (a throw is ignored). */
  onRecord(listener: AuditListener): void {
    this.listeners.push(listener);
  }

  async record(
    event: AuditEvent,
    ctx: ClientContext,
    subject: { userId?: number | null; login?: string | null; detail?: Record<string, unknown> },
  ): Promise<void> {
    await this.store.append({
      at: this.now(),
      event,
      userId: subject.userId ?? null,
      login: displayText(subject.login ?? null, 256),
      address: displayText(ctx.address, 128),
      userAgent: displayText(ctx.userAgent, 512),
      detail: subject.detail ?? null,
    });
    for (const listener of this.listeners) {
      try {
        listener(event, subject.detail ?? null);
      } catch {
        // An observer never fails the event it observes.
      }
    }
  }

  /** Deletes entries older than the retention; at most `limit` per call when given. */
  async prune(retentionDays: number, limit?: number): Promise<number> {
    return this.store.prune(this.now() - retentionDays * 86_400_000, limit);
  }
}
