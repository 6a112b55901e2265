/**
 * The audit trail: security events written durably to the database. Entries
 * hold logins, addresses and ids — never a password, cookie or token secret
 * (token events carry the 8-character listed id only).
 */
import type { AuditStore } from '../storage/types.js';
import type { Clock, ClientContext } from './context.js';

export type AuditEvent =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'logout'
  | 'token.created'
  | 'token.revoked'
  | 'password.changed'
  | 'session.revoked'
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'user.unlocked';

/**
 * Logins, addresses and user agents are client-controlled and end up on an
 * operator's terminal (`semauth audit`): keep them short, and replace C0/C1
 * control characters (ESC sequences, 8-bit CSI), line and paragraph
 * separators and bidirectional overrides, which could forge or hide lines.
 */
function clean(text: string | null, max: number): string | null {
  if (text === null) return null;
  return text.slice(0, max).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
}

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
      login: clean(subject.login ?? null, 256),
      address: clean(ctx.address, 128),
      userAgent: clean(ctx.userAgent, 512),
      detail: subject.detail ?? null,
    });
  }

  /** Deletes entries older than the retention; at most `limit` per call when given. */
  async prune(retentionDays: number, limit?: number): Promise<number> {
    return this.store.prune(this.now() - retentionDays * 86_400_000, limit);
  }
}
