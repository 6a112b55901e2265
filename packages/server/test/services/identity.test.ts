/** The identity rules of src/identity.ts: keys (NFC + full case folding) and what logins, e-mails and names may hold. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { checkEmail, checkLogin, checkName, identityKey, sameIdentity, unprintableCharacter } from '../../src/identity.js';

const NFC_UNAL = '\u00dcnal'; // Ü as one code point
const NFD_UNAL = 'U\u0308nal'; // U + combining diaeresis

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('INVALID_USER');
    return (e as AppError).message;
  }
  throw new Error('expected an INVALID_USER refusal');
}

describe('identityKey', () => {
  it('makes Ünal, ünal, ÜNAL and an NFD-spelled Ünal one identity', () => {
    expect(NFD_UNAL).not.toBe(NFC_UNAL);
    for (const v of ['ünal', 'ÜNAL', NFD_UNAL, 'u\u0308NAL']) expect(identityKey(v), v).toBe(identityKey(NFC_UNAL));
    expect(identityKey(NFC_UNAL)).toBe('ünal');
    expect(sameIdentity('Unal', NFC_UNAL)).toBe(false);
  });

  it('folds fully, not just lower-cases: ß = ss = ẞ, ﬁ = fi, Kelvin sign = k, Ohm sign = ω', () => {
    expect(identityKey('Strauß')).toBe('strauss');
    expect(identityKey('STRAUSS')).toBe('strauss');
    expect(identityKey('STRAUẞ')).toBe('strauss');
    expect(identityKey('ﬁnn')).toBe('finn');
    expect(identityKey('\u212a')).toBe('k');
    expect(identityKey('\u2126')).toBe('ω');
    // SQLite's lower() knows ASCII only: it would keep all of these apart.
    expect(sameIdentity('ÉCOLE', 'école')).toBe(true);
  });

  it('matches Greek final sigma with sigma, in every position', () => {
    expect(sameIdentity('ΟΔΟΣ', 'οδος')).toBe(true);
    expect(sameIdentity('οδοσ', 'οδος')).toBe(true);
    expect(sameIdentity('σοφια', 'ΣΟΦΙΑ')).toBe(true);
  });

  it('keeps Turkish İ apart from i and I (no locale folding), and lets dotless ı match i (one look-alike fewer)', () => {
    expect(sameIdentity('İstanbul', 'istanbul')).toBe(false);
    expect(sameIdentity('İstanbul', 'Istanbul')).toBe(false);
    expect(sameIdentity('İSTANBUL', 'i̇stanbul')).toBe(true); // i + combining dot above is İ's folding
    expect(sameIdentity('ıstanbul', 'istanbul')).toBe(true);
  });

  it('composes again after folding, so decomposing case mappings agree with precomposed input', () => {
    expect(identityKey('\u0390')).toBe(identityKey('\u03b9\u0308\u0301'));
    expect(identityKey('\u0390')).toBe(identityKey('\u0399\u0308\u0301'));
    expect(identityKey('\u0390')).toBe(identityKey('\u0390').normalize('NFC'));
  });

  it('is stable: the key of a key is itself', () => {
    for (const v of [NFC_UNAL, NFD_UNAL, 'Strauß', 'ẞ', 'ΟΔΟΣ', 'İ', 'ﬃ', 'Ǆ', 'ǅ', 'ᾈ', 'devops@Example.COM']) {
      expect(identityKey(identityKey(v)), v).toBe(identityKey(v));
    }
  });

  it('does not fold compatibility forms: full-width letters stay distinct', () => {
    expect(sameIdentity('ａｄｍｉｎ', 'admin')).toBe(false);
  });
});

describe('checkLogin', () => {
  it('returns the login trimmed and NFC-composed', () => {
    expect(checkLogin(`  ${NFD_UNAL} `)).toBe(NFC_UNAL);
    expect(checkLogin('devops@example.com')).toBe('devops@example.com');
  });

  it.each([
    ['a zero-width space', 'ad\u200bmin', 'U+200B'],
    ['a right-to-left override', 'admin\u202e', 'U+202E'],
    ['a left-to-right mark', '\u200eadmin', 'U+200E'],
    ['a soft hyphen', 'ad\u00admin', 'U+00AD'],
    ['a BOM (zero-width no-break space) inside', 'ad\ufeffmin', 'U+FEFF'],
    ['a NUL', 'ad\u0000min', 'U+0000'],
    ['an escape', 'ad\u001b[31mmin', 'U+001B'],
    ['a C1 control', 'ad\u0085min', 'U+0085'],
    ['a line separator', 'ad\u2028min', 'U+2028'],
    ['a lone surrogate', 'ad\ud800min', 'U+D800'],
  ])('refuses %s, naming the code point', (_n, login, code) => {
    expect(refusal(() => checkLogin(login))).toBe(`login must not contain control or invisible characters (found ${code}).`);
  });

  it.each([
    ['a space', 'ad min'],
    ['a no-break space', 'ad\u00a0min'],
    ['an ideographic space', 'ad\u3000min'],
    ['a tab', 'ad\tmin'],
  ])('refuses %s inside', (_n, login) => {
    const message = refusal(() => checkLogin(login));
    expect(message).toMatch(/login must not contain (spaces|control or invisible characters)/);
  });

  it('refuses private-use and unassigned code points, an empty and an over-long login', () => {
    expect(refusal(() => checkLogin('ad\ue000min'))).toBe('login must not contain private-use or unassigned characters (found U+E000).');
    expect(refusal(() => checkLogin('ad\u{50000}min'))).toMatch(/unassigned characters \(found U\+50000\)/);
    expect(refusal(() => checkLogin('   '))).toBe('login must be 1 to 255 characters long.');
    expect(refusal(() => checkLogin('x'.repeat(256)))).toBe('login must be 1 to 255 characters long.');
    expect(checkLogin('x'.repeat(255))).toHaveLength(255);
  });

  it('takes letters of any script', () => {
    for (const v of ['Ünal', 'Ἀθηνᾶ', 'Дмитрий', '李小龍', 'محمد', 'o\'brien', 'a.b-c_d+e']) expect(checkLogin(v)).toBe(v.normalize('NFC'));
  });
});

describe('checkName', () => {
  it('takes spaces and any script, refuses control and invisible characters', () => {
    expect(checkName('  Dev  Ops ')).toBe('Dev  Ops');
    expect(checkName('Ünal Öztürk')).toBe('Ünal Öztürk');
    expect(refusal(() => checkName('Eve\u200b'))).toBe('name must not contain control or invisible characters (found U+200B).');
    expect(refusal(() => checkName('Eve\nAdmin'))).toBe('name must not contain control or invisible characters (found U+000A).');
    expect(refusal(() => checkName(''))).toBe('name must be 1 to 255 characters long.');
  });
});

describe('checkEmail', () => {
  it('takes name@domain, also without a dot (admin@localhost), also with non-ASCII letters', () => {
    expect(checkEmail(' Alice@Example.com ')).toBe('Alice@Example.com');
    expect(checkEmail('admin@localhost')).toBe('admin@localhost');
    expect(checkEmail('ünal@bücher.example')).toBe('ünal@bücher.example');
  });

  it.each(['alice', 'alice@', '@example.com', 'a@b@c', 'a b@example.com', 'a@exa mple.com', 'a@.example.com', 'a@example..com', 'a@example.com.', `${'l'.repeat(65)}@example.com`, `a@${'d'.repeat(250)}.com`])(
    'refuses %s',
    (email) => {
      expect(refusal(() => checkEmail(email))).toMatch(/^email must (look like name@example\.com|be 1 to 254 characters long)\.$/);
    },
  );

  it('refuses invisible characters in an e-mail', () => {
    expect(refusal(() => checkEmail('dev\u200bops@example.com'))).toBe('email must not contain control or invisible characters (found U+200B).');
  });
});

describe('unprintableCharacter (also the rule for token names)', () => {
  it('finds the first control or invisible character, or null', () => {
    expect(unprintableCharacter('CI token for Ünal')).toBeNull();
    expect(unprintableCharacter('a\r\nb')).toBe('U+000D');
    expect(unprintableCharacter('x\u2066y')).toBe('U+2066');
  });
});
