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
  | 'user.unlocked';

export class AuditService {
  constructor(private readonly store: AuditStore, private readonly now: Clock) {}

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
  }

  /** Deletes entries older than the retention; at most `limit` per call when given. */
  async prune(retentionDays: number, limit?: number): Promise<number> {
    return this.store.prune(this.now() - retentionDays * 86_400_000, limit);
  }
}
