/**
 * Recovery codes: ten per enrolment, each replacing a TOTP code once. 80
 * random bits each: 16 characters of Crockford's base32 (no i, l, o, u),
 * in four groups (`7kq2-m9xd-…`); a typed `o` counts as `0`, `i` and `l`
 * as `1`. Only a SHA-256 of each is stored: with 80 bits a fast hash is
 * enough (as for API tokens), and a database dump yields no usable code.
 */
import { randomInt } from 'node:crypto';
import { sha256Hex } from '../../crypto/secrets.js';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32: 32 symbols, 5 bits each, none easily misread for another. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 4;
const GROUP_LENGTH = 4;

export function newRecoveryCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

/** What a typed code is compared as: case, spaces and dashes do not matter, nor o/0 and i/l/1. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
}

/** The stored form of a code: SHA-256 of its normalised form. */
export function recoveryCodeHash(code: string): string {
  return sha256Hex(`semauth-recovery:${normaliseRecoveryCode(code)}`);
}
