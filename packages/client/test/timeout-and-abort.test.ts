import { describe, expect, it } from 'vitest';
import { AuthenticationApi, Configuration, NetworkError, TimeoutError } from '../src/index.js';
import { fakeFetch, hang, hangDeaf, json, type Responder } from './support/fake-fetch.js';

function api(timeoutMs: number | undefined, ...responders: Responder[]) {
  const fake = fakeFetch(...responders);
  return { fake, auth: new AuthenticationApi(new Configuration({ fetch: fake.fetch, timeoutMs })) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

describe('timeout', () => {
  it('rejects with TimeoutError (a NetworkError) and aborts the fetch', async () => {
    const { fake, auth } = api(50, hang());
    const started = Date.now();
    const e = (await rejection(auth.userTokensGet())) as TimeoutError;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.name).toBe('TimeoutError');
    expect(e.timeoutMs).toBe(50);
    expect(e.message).toBe('userTokensGet failed: no response within 50 ms');
    expect(fake.only().signal?.aborted).toBe(true);
  });

  it('also stops waiting on a fetch that ignores its signal', async () => {
    const { auth } = api(50, hangDeaf());
    expect(await rejection(auth.userTokensGet())).toBeInstanceOf(TimeoutError);
  });

  it('covers reading the body, not just the headers', async () => {
    const { auth } = api(80, () => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('['));
          // …and the rest never comes.
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    });
    expect(await rejection(auth.userTokensGet())).toBeInstanceOf(TimeoutError);
  });

  it('does not fire when the answer is in time', async () => {
    const { auth } = api(5000, json(200, []));
    await expect(auth.userTokensGet()).resolves.toEqual([]);
  });

  it('passes no signal at all when there is neither a timeout nor a caller signal', async () => {
    const { fake, auth } = api(undefined, json(200, []));
    await auth.userTokensGet();
    expect(fake.only().signal).toBeUndefined();
  });
});

describe('caller abort', () => {
  it('rejects with the signal’s reason (an AbortError by default), not a NetworkError', async () => {
    const { auth } = api(undefined, hang());
    const controller = new AbortController();
    const call = auth.userTokensGet({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const e = await rejection(call);
    expect(e).toBeInstanceOf(DOMException);
    expect((e as DOMException).name).toBe('AbortError');
    expect(e).not.toBeInstanceOf(NetworkError);
  });

  it('rejects with a custom reason as given', async () => {
    const { auth } = api(undefined, hang());
    const controller = new AbortController();
    const reason = new Error('user navigated away');
    const call = auth.userTokensPost({ name: 'x' }, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    expect(await rejection(call)).toBe(reason);
  });

  it('does not even call fetch with an already-aborted signal', async () => {
    const { fake, auth } = api(undefined, json(200, []));
    const e = await rejection(auth.userTokensGet({ signal: AbortSignal.abort() }));
    expect((e as DOMException).name).toBe('AbortError');
    expect(fake.calls).toHaveLength(0);
  });

  it('combines with the timeout: an abort before the timeout is an abort', async () => {
    const { auth } = api(5000, hang());
    const controller = new AbortController();
    const call = auth.authLogoutPost({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const e = await rejection(call);
    expect(e).not.toBeInstanceOf(TimeoutError);
    expect((e as DOMException).name).toBe('AbortError');
  });

  it('combines with the timeout: the timeout before an abort is a timeout', async () => {
    const { auth } = api(30, hang());
    const controller = new AbortController();
    expect(await rejection(auth.userTokensGet({ signal: controller.signal }))).toBeInstanceOf(TimeoutError);
  });

  it('is accepted by every operation', async () => {
    const { auth } = api(undefined, hang());
    const signal = AbortSignal.abort();
    const calls = [
      auth.authLoginPost({ auth: 'a', password: 'b' }, { signal }),
      auth.authLogoutPost({ signal }),
      auth.userTokensGet({ signal }),
      auth.userTokensPost(undefined, { signal }),
      auth.userTokensApiTokenIdDelete('abcdefgh', { signal }),
      auth.authLoginGet({ signal }),
    ];
    for (const call of calls) expect(((await rejection(call)) as DOMException).name).toBe('AbortError');
  });

  it('removes its listener from a long-lived caller signal after each call', async () => {
    const { auth } = api(undefined, json(200, []));
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
    for (let i = 0; i < 3; i++) await auth.userTokensGet({ signal: controller.signal });
    expect(listeners).toBe(0);
  });
});
