/**
 * RFC 6238 arithmetic, by otplib: SHA-1, 6 digits, 30-second steps, a code
 * of the step before or after also accepted (clocks drift; a code typed at
 * the end of its step arrives in the next). Each candidate is compared in
 * constant time. Which code was already used is not decided here: the
 * caller records the step of each accepted code (TotpStore.acceptStep).
 */
import { generateSecret, generateURI, verify } from 'otplib';

export const PERIOD_SECONDS = 30;
export const DIGITS = 6;
/** ±1 step, in seconds, as otplib counts tolerance. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;

/** A new secret: 20 CSPRNG bytes (160 bits, RFC 4226's recommendation), Base32 as authenticator apps take it. */
export function newSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://totp/<issuer>:<login>?secret=…&issuer=…` URI an authenticator app scans. */
export function otpauthUri(issuer: string, login: string, secret: string): string {
  return generateURI({ issuer, label: login, secret, algorithm: 'sha1', digits: DIGITS, period: PERIOD_SECONDS });
}

/** The RFC 6238 time step of an instant (epoch ms). */
export function stepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / PERIOD_SECONDS);
}

/**
 * The time step `passcode` is the code of, within ±1 step of `nowMs` and
 * after `lastStep` (codes of that step and earlier never count again), or
 * null. Anything but six digits (spaces aside) is simply not a code.
 */
export async function matchStep(secret: string, passcode: string, nowMs: number, lastStep: number | null): Promise<number | null> {
  const token = passcode.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const current = stepAt(nowMs);
  // A last step beyond the window (the clock went back) leaves no candidate: nothing to ask otplib.
  if (lastStep !== null && lastStep >= current + 1) return null;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(nowMs / 1000),
    period: PERIOD_SECONDS,
    digits: DIGITS,
    algorithm: 'sha1',
    epochTolerance: TOLERANCE_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  return result.valid ? current + result.delta : null;
}
