/**
 * PostgreSQL's side of the auth cache (auth-cache.ts): leases, as Chubby
 * gives its client caches, over the `auth_epoch` counter that the database
 * moves with every change a cache must drop (migrations.ts).
 *
 * - A process may serve from its cache only while it holds a lease: a row
 *   in `auth_cache_leases` that it renews on its own connection, and that
 *   it counts as valid for a little less than the database does (measured
 *   from before it sent the renewal).
 * - Every move of the counter notifies the channel `semauth_auth_epoch`.
 *   A process drops its whole cache when notified, then acknowledges: it
 *   records the value in its lease row (`seen_epoch`).
 * - A write through the cache answers only when every unexpired lease has
 *   acknowledged the counter as it was after the write (settle), or has
 *   expired: its holder stopped serving from its cache before that.
 *
 * So once a revocation has answered, every process either dropped its cache
 * after the revocation committed, or no longer serves from it; what it reads
 * from the database afterwards includes the revocation. The one assumption:
 * clocks of the processes and the database advance at the same rate, within
 * LEASE_SAFETY_MS over a lease.
 *
 * A lost connection (killed, timed out, the database gone) stops the cache
 * at once: requests read the database until the process has reconnected,
 * listened again and renewed its lease (which drops the cache again). It
 * reconnects by itself, with backoff. Every statement on the connection has
 * a timeout, so a database host that vanished without closing it cannot
 * hold anything past that.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** Held back from the lease's end on this side: room for clocks running at slightly different rates, and for delays. */
export const LEASE_SAFETY_MS = 1000;
/** Longest a statement on the lease connection may take before the connection is given up. */
const STATEMENT_TIMEOUT_MS = 2000;
/** Reconnection delays: doubling from the first to the last, with jitter. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 2000;
/** A writer looks again for acknowledgements after 1 ms, then less often, up to this. */
const SETTLE_POLL_MAX_MS = 20;
const CHANNEL = 'semauth_auth_epoch';

export class LeaseLost extends Error {
  override name = 'LeaseLost';
}

export interface LeaseOptions {
  /** How to connect (the process's own settings; see pg-connection.ts). */
  connection: pg.ClientConfig;
  /** How long a lease lasts in the database; renewed five times as often. */
  leaseMs: number;
  /** Runs a statement on the storage's pool (writers wait there, not on the lease connection). */
  query: <R>(text: string, params: unknown[]) => Promise<R[]>;
  /** Told when the lease is held (true) or lost (false), on changes only. */
  onStateChange?: (up: boolean, error?: Error) => void;
}

export class LeaseWatch {
  /** This process's lease row. */
  readonly instance = randomUUID();
  private client: pg.Client | null = null;
  /** A connection still taking its lease: its notifications already count. */
  private pending: pg.Client | null = null;
  /** Until when (performance.now()) the cache may serve; 0 without a lease. */
  private deadline = 0;
  /** The highest counter value the cache was dropped for; acknowledged in the lease row. */
  private known = 0;
  private acking = false;
  private drop: () => void = () => {};
  private connecting: Promise<void> | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private reported: boolean | undefined;
  private started = false;
  private closed = false;

  constructor(private readonly opts: LeaseOptions) {}

  /** Whether the cache may serve now: a lease held, unexpired by this side's clock, on a live connection. */
  usable(): boolean {
    return this.client !== null && performance.now() < this.deadline;
  }

  /** `drop` empties the cache: called on every notification, before it is acknowledged, and whenever the lease is lost or taken anew. */
  onDrop(drop: () => void): void {
    this.drop = drop;
  }

  /** Takes the lease (connects, listens, registers); resolves when the first attempt has ended, taken or not. */
  start(): Promise<void> {
    this.started = true;
    return this.connect();
  }

  /**
   * For a writer, after its commit: resolves when every unexpired lease has
   * dropped its cache for the counter as it is now, or has expired.
   */
  async settle(): Promise<void> {
    const [now] = await this.opts.query<{ value: string }>('select value from auth_epoch where id = 1', []);
    const epoch = now!.value;
    for (let wait = 1; ; wait = Math.min(wait * 2, SETTLE_POLL_MAX_MS)) {
      const [behind] = await this.opts.query<{ n: number }>(
        'select count(*)::int as n from auth_cache_leases where expires_at > now() and seen_epoch < $1',
        [epoch],
      );
      if (behind!.n === 0) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.renewTimer) clearTimeout(this.renewTimer);
    const client = this.client;
    this.client = null;
    this.deadline = 0;
    if (!client) return;
    // Give the lease back, so that writers do not wait for it to expire.
    await client.query('delete from auth_cache_leases where instance = $1', [this.instance]).catch(() => {});
    await client.end().catch(() => {});
  }

  private connect(): Promise<void> {
    if (this.closed || this.client !== null || this.retryTimer !== null) return Promise.resolve();
    return (this.connecting ??= this.attempt().finally(() => {
      this.connecting = null;
    }));
  }

  private async attempt(): Promise<void> {
    const client = new pg.Client({
      ...this.opts.connection,
      keepAlive: true,
      query_timeout: STATEMENT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
    });
    client.on('error', (e) => this.lose(client, e));
    client.on('end', () => this.lose(client, new LeaseLost('the auth cache lease connection ended')));
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && (this.client === client || this.pending === client)) this.notified(Number(n.payload));
    });
    this.pending = client;
    try {
      await client.connect();
      // Leases and acknowledgements need not wait for the disk: after a crash every lease is taken anew.
      await client.query('set synchronous_commit = off');
      await client.query(`listen ${CHANNEL}`);
      await client.query('delete from auth_cache_leases where expires_at < now() - interval \'1 hour\'');
      const sent = performance.now();
      // Listening first: every move committed after this statement's snapshot is notified.
      const [row] = (
        await client.query<{ seen_epoch: string }>(
          `insert into auth_cache_leases (instance, expires_at, seen_epoch)
           values ($1, now() + $2 * interval '1 millisecond', (select value from auth_epoch where id = 1))
           on conflict (instance) do update set expires_at = excluded.expires_at, seen_epoch = excluded.seen_epoch
           returning seen_epoch`,
          [this.instance, this.opts.leaseMs],
        )
      ).rows;
      this.pending = null;
      if (this.closed) {
        await client.query('delete from auth_cache_leases where instance = $1', [this.instance]).catch(() => {});
        return void client.end().catch(() => {});
      }
      this.drop();
      const seen = Number(row!.seen_epoch);
      this.known = Math.max(this.known, seen);
      this.client = client;
      this.deadline = sent + this.opts.leaseMs - LEASE_SAFETY_MS;
      this.failures = 0;
      // A move notified while the lease was being taken, after its snapshot: acknowledge it too.
      if (this.known > seen) void this.acknowledge();
      this.report(true);
      this.scheduleRenewal();
    } catch (e) {
      this.pending = null;
      client.end().catch(() => {});
      this.report(false, e as Error);
      this.retry();
    }
  }

  /** The counter moved to `epoch`: drop the cache, then say so in the lease row. */
  private notified(epoch: number): void {
    this.drop();
    if (epoch > this.known) this.known = epoch;
    void this.acknowledge();
  }

  private async acknowledge(): Promise<void> {
    if (this.acking) return; // the acknowledgement under way is followed by one for the newest value
    this.acking = true;
    try {
      for (let sent = -1; sent < this.known && this.client; ) {
        sent = this.known;
        await this.client.query('update auth_cache_leases set seen_epoch = greatest(seen_epoch, $2) where instance = $1', [this.instance, sent]);
      }
    } catch {
      // The connection's error handler gives it up; the renewal after reconnecting acknowledges.
    } finally {
      this.acking = false;
    }
  }

  private scheduleRenewal(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => void this.renew(), Math.max(100, this.opts.leaseMs / 5));
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const sent = performance.now();
    try {
      // Also acknowledges, in case an acknowledgement was lost.
      const { rowCount } = await client.query(
        `update auth_cache_leases set expires_at = now() + $2 * interval '1 millisecond', seen_epoch = greatest(seen_epoch, $3)
         where instance = $1`,
        [this.instance, this.opts.leaseMs, this.known],
      );
      if (this.client !== client) return;
      if (rowCount === 0) throw new LeaseLost('the auth cache lease row is gone');
      // A lease that ran out here may have run out in the database too: writers no longer waited for this cache.
      if (performance.now() >= this.deadline) this.drop();
      this.deadline = sent + this.opts.leaseMs - LEASE_SAFETY_MS;
      this.scheduleRenewal();
    } catch (e) {
      this.lose(client, e as Error);
    }
  }

  /** Gives up `client` if it is the one in use: no cache until a new lease is held. */
  private lose(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.deadline = 0;
    this.drop();
    if (this.renewTimer) clearTimeout(this.renewTimer);
    // Not awaited: on a vanished host the goodbye may never be acknowledged.
    client.end().catch(() => {});
    this.report(false, error);
    this.retry();
  }

  private retry(): void {
    if (this.closed || !this.started || this.retryTimer !== null) return;
    const ceiling = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, ceiling / 2 + Math.random() * (ceiling / 2));
    this.retryTimer.unref();
  }

  private report(up: boolean, error?: Error): void {
    if (this.reported === up) return;
    this.reported = up;
    this.opts.onStateChange?.(up, error);
  }
}
