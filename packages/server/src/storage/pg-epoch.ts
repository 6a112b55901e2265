/**
 * PostgreSQL's "has anything changed?" signal for the auth cache
 * (auth-cache.ts): the `auth_epoch` counter, which the database itself moves
 * in the same transaction as every change to a row that authentication
 * reads (triggers, migrations.ts).
 *
 * Why a look is exact. A revocation commits (moving the counter) before its
 * instance answers 204. A request that starts after that 204 reaches this
 * instance after the commit; the look it waits for is sent after it
 * arrived, so the look's snapshot, taken when PostgreSQL runs it, includes
 * the commit and sees the new value: the cache is dropped before the
 * request reads it. Counter moves are ordered by the lock on its row, so
 * seeing a value means seeing every change that moved it up to there; a
 * cached entry was read after a look that saw the value it is kept under.
 *
 * One dedicated connection per instance (not the pool: a look must never
 * queue behind requests' queries), one prepared single-row read per look,
 * shared by all requests waiting for it. Looks are the one database
 * round trip left on the cached path, so they skip what `pg` does for a
 * general query (a Describe, a result object, type parsing): a look is a
 * pre-built Bind/Execute/Sync of the prepared statement, sent through
 * `pg`'s Submittable interface, whose only answer is one text value.
 *
 * A lost connection (killed, timed out, the database gone): looks fail at
 * once, so the cache is dropped and requests read the database, until it is
 * back. It reconnects by itself, with backoff, and the first value read on
 * a new connection counts as a change. A look that takes longer than
 * LOOK_TIMEOUT_MS abandons its connection the same way, so a database that
 * vanished without closing the connection cannot hang requests.
 */
import pg from 'pg';

/** Longest a look may take before its connection is given up. A look normally takes well under a millisecond. */
export const LOOK_TIMEOUT_MS = 2000;
/** Reconnection delays: doubling from the first to the last, with jitter. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 2000;

const STATEMENT = 'semauth_auth_epoch';
const PREPARE = { name: STATEMENT, text: 'select value from auth_epoch where id = 1' };

/**
 * Bind (unnamed portal, the prepared statement, no parameters, text
 * results), Execute (all rows), Sync — the extended query protocol's
 * messages (https://www.postgresql.org/docs/current/protocol-message-formats.html).
 */
const LOOK_MESSAGES = (() => {
  const message = (type: string, ...body: Buffer[]) => {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeInt32BE(4 + body.reduce((n, b) => n + b.length, 0), 1);
    return Buffer.concat([head, ...body]);
  };
  const text = (s: string) => Buffer.from(`${s}\0`, 'utf8');
  const int16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const int32 = (n: number) => Buffer.from([n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([message('B', text(''), text(STATEMENT), int16(0), int16(0), int16(0)), message('E', text(''), int32(0)), message('S')]);
})();

/**
 * One look, as a `pg` Submittable: the client hands it the answers to its
 * messages in order and calls back once, with the value or the error.
 */
class Look {
  private value: string | null = null;
  private error: Error | undefined;

  constructor(public callback: ((error: Error | undefined, value?: string | null) => void) | null) {}

  submit(connection: { stream: { write(b: Buffer): unknown } }): null {
    connection.stream.write(LOOK_MESSAGES);
    return null;
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    this.value = msg.fields[0] ?? null;
  }

  handleError(error: Error): void {
    this.error = error;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  private finish(): void {
    const callback = this.callback;
    this.callback = null;
    callback?.(this.error, this.value);
  }

  handleRowDescription(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}
}

export class SignalLost extends Error {
  override name = 'SignalLost';
}

export interface EpochWatchOptions {
  /** How to connect (the instance's own settings; see pg-connection.ts). */
  connection: pg.ClientConfig;
  lookTimeoutMs?: number;
  /** Told when the connection comes up (true) or is lost (false), on changes only. */
  onStateChange?: (up: boolean, error?: Error) => void;
}

export class EpochWatch {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** The value the previous look read on this connection; undefined after (re)connecting. */
  private last: string | undefined;
  private reported: boolean | undefined;
  private closed = false;

  constructor(private readonly opts: EpochWatchOptions) {}

  /** Whether a connection is up to look with. */
  get up(): boolean {
    return this.client !== null;
  }

  /**
   * True when the counter moved since the previous look (or the connection
   * is new); rejects when it cannot look. The first call connects and waits
   * for that first connection; after a loss, calls reject until the
   * connection is back.
   */
  changed(): Promise<boolean> {
    const client = this.client;
    if (this.closed) return Promise.reject(new SignalLost('the auth cache signal is closed'));
    if (client === null) {
      if (this.reported === undefined) return this.connect().then(() => this.changed());
      void this.connect();
      return Promise.reject(new SignalLost('the auth cache signal connection is not up'));
    }
    return new Promise<boolean>((resolve, reject) => {
      const look = new Look((error, value) => {
        if (error) {
          this.lose(client, error);
          return reject(error);
        }
        if (value === null || value === undefined) return reject(new Error('auth_epoch has no row'));
        const moved = value !== this.last;
        this.last = value;
        resolve(moved);
      });
      // A Submittable is not in `pg`'s query() overloads; its client accepts any object with submit().
      (client as unknown as { query(q: Look): void }).query(look);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  /** Starts connecting unless connected, connecting or waiting to retry; resolves when that attempt has ended. */
  private connect(): Promise<void> {
    if (this.closed || this.client !== null || this.retryTimer !== null) return Promise.resolve();
    return (this.connecting ??= this.attempt().finally(() => {
      this.connecting = null;
    }));
  }

  private async attempt(): Promise<void> {
    const timeout = this.opts.lookTimeoutMs ?? LOOK_TIMEOUT_MS;
    const client = new pg.Client({ ...this.opts.connection, keepAlive: true, query_timeout: timeout, statement_timeout: timeout });
    client.on('error', (e) => this.lose(client, e));
    client.on('end', () => this.lose(client, new SignalLost('the auth cache signal connection ended')));
    try {
      await client.connect();
      // Prepares the look's statement (and fails here, to be retried, on a database not yet migrated).
      await client.query(PREPARE);
    } catch (e) {
      client.end().catch(() => {});
      this.report(false, e as Error);
      this.retry();
      return;
    }
    if (this.closed) return void client.end().catch(() => {});
    this.client = client;
    this.last = undefined;
    this.failures = 0;
    this.report(true);
  }

  /** Gives up `client` if it is the one in use: looks fail until a new one is up. */
  private lose(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    // Not awaited: on a vanished host the goodbye may never be acknowledged.
    client.end().catch(() => {});
    this.report(false, error);
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.retryTimer !== null) return;
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
