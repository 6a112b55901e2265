/**
 * Looks at a change signal ("has another connection changed anything?"),
 * shared by the reads of the auth cache (auth-cache.ts) so that the signal
 * is asked once per batch of requests instead of once per request, without
 * ever vouching for a read with a look that began before the read asked.
 *
 * Every read asking before a look begins waits for that same look. It
 * begins in the check phase of the loop turn (setImmediate), after every
 * request read from a socket in the turn's poll phase — or, while a look is
 * under way (an asynchronous signal: PostgreSQL), the moment that look
 * ends: the reads that arrived meanwhile wait for that next one. So each
 * request is checked by a look that began after it arrived, and under load
 * one look serves all the requests that arrived during the previous one.
 * A synchronous signal (SQLite) answers within its turn: one look per turn.
 */

export interface SharedLooksOptions {
  /**
   * True when another connection may have changed what the cache holds
   * since the previous call. It must look at the database after it is
   * called. Throwing (or rejecting) means "cannot tell".
   */
  changed: () => boolean | Promise<boolean>;
  /** The signal moved, or a look failed: the cache must drop everything. */
  drop: () => void;
  /** Runs as each look begins. */
  beforeLook: () => void;
}

export class SharedLooks {
  /** The look that has not begun yet: reads asking now wait for it. */
  private next: { promise: Promise<boolean>; begin: () => void } | null = null;
  /** A look is under way (asynchronous signals only); the next one begins when it ends. */
  private inFlight = false;

  constructor(private readonly opts: SharedLooksOptions) {}

  /**
   * Resolves true once the signal has been looked at at a moment after the
   * caller arrived (and everything dropped if it moved); false when the
   * look failed: then the caller must read the database and keep nothing.
   */
  validate(): Promise<boolean> {
    if (this.next) return this.next.promise;
    const next = { promise: null as unknown as Promise<boolean>, begin: () => {} };
    next.promise = new Promise<boolean>((resolve) => {
      next.begin = () => {
        if (this.next !== next) return;
        this.next = null;
        resolve(this.look());
      };
    });
    this.next = next;
    if (!this.inFlight) setImmediate(next.begin);
    return next.promise;
  }

  private look(): boolean | Promise<boolean> {
    this.opts.beforeLook();
    let moved: boolean | Promise<boolean>;
    try {
      moved = this.opts.changed();
    } catch {
      return this.lost();
    }
    if (typeof moved === 'boolean') return this.seen(moved);
    this.inFlight = true;
    return moved.then(
      (m) => this.ended(this.seen(m)),
      () => this.ended(this.lost()),
    );
  }

  /**
   * A look under way ended. The reads waiting for the next look all asked
   * before this moment, so it may begin now: its round trip then overlaps
   * the answering of the reads this look served.
   */
  private ended<T>(result: T): T {
    this.inFlight = false;
    this.next?.begin();
    return result;
  }

  private seen(moved: boolean): true {
    if (moved) this.opts.drop();
    return true;
  }

  private lost(): false {
    this.opts.drop();
    return false;
  }
}
