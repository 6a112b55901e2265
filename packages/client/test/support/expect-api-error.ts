import { expect } from 'vitest';
import { ApiException } from '../../src/index.js';

/**
 * Awaits a call that must fail with an `ApiException` of `status` carrying
 * semauth's error shape (`{"error": "…"}`, content type exactly
 * `application/json`), and returns the exception for further checks.
 */
export async function expectApiError(call: Promise<unknown>, status: number): Promise<ApiException> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an ApiException ${status}`).toBeInstanceOf(ApiException);
  const error = caught as ApiException;
  expect(error.status, error.message).toBe(status);
  expect(error.headers.get('content-type')).toBe('application/json');
  expect(error.body).toEqual(expect.objectContaining({ error: expect.any(String) }));
  return error;
}
