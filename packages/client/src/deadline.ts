/** What ended a call early, if anything. */
export type Interruption =
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'aborted'; reason: unknown };

/** Thrown by {@link withDeadline} so the caller can map it to its own error. */
export class Interrupted extends Error {
  constructor(readonly interruption: Interruption, options?: { cause?: unknown }) {
    super(interruption.kind, options);
  }
}

/**
 * Runs `work` with one signal that fires on the caller's abort or on the
 * timeout, whichever comes first, and rejects with {@link Interrupted}
 * telling which.
 *
 * Hand-rolled rather than `AbortSignal.any`/`AbortSignal.timeout` because
 * those only reached every major browser in 2024, and because the race below
 * also stops waiting on a `fetch` that ignores its signal (a custom `fetch`
 * in tests or an old polyfill).
 */
export async function withDeadline<T>(
  timeoutMs: number | undefined,
  callerSignal: AbortSignal | undefined,
  work: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (callerSignal?.aborted) throw new Interrupted({ kind: 'aborted', reason: callerSignal.reason });
  if (timeoutMs === undefined && callerSignal === undefined) return work(undefined);

  const controller = new AbortController();
  let interruption: Interruption | undefined;
  let stop: (reason: Interrupted) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  const interrupt = (why: Interruption): void => {
    if (interruption !== undefined) return;
    interruption = why;
    controller.abort(why.kind === 'aborted' ? why.reason : undefined);
    stop(new Interrupted(why));
  };

  const onAbort = (): void => interrupt({ kind: 'aborted', reason: callerSignal?.reason });
  callerSignal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined ? undefined : setTimeout(() => interrupt({ kind: 'timeout', timeoutMs }), timeoutMs);
  try {
    return await Promise.race([work(controller.signal), stopped]);
  } catch (error) {
    // `work` may lose the race by rejecting with fetch's own AbortError a
    // tick before `stopped` does; report the interruption either way.
    if (interruption !== undefined) throw new Interrupted(interruption, { cause: error });
    throw error;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onAbort);
  }
}
