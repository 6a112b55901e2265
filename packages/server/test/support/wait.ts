/**
 * Waiting for something a test cannot be told about directly: poll until it
 * holds, with a deadline that only bounds a hang (it is not an assertion
 * about speed). Never a fixed sleep that guesses how long something takes.
 */

/** Resolves with the first truthy value `probe` returns; rejects after `timeoutMs`, naming `what`. */
export async function until<T>(what: string, probe: () => T | Promise<T>, opts: { timeoutMs?: number; everyMs?: number } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : String(last)})`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 20));
  }
}
