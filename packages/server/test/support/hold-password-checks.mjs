// Preloaded into a `semauth server` child process (`node --import` this file,
// via startServerProcess's nodeOptions) by tests that need a request to stay
// in flight for as long as they choose: every Argon2 password verification
// announces itself on stderr (HELD_LINE) and then waits until the process
// receives SIGUSR2. A latch the test opens, not a slow hash and a guess.
// Plain JavaScript: the child runs the built server, not vitest.
import { createRequire } from 'node:module';

export const HELD_LINE = 'semauth-test: password verification held';

// The very module object the server's `import argon2 from 'argon2'` gets.
const argon2 = createRequire(new URL('../../package.json', import.meta.url))('argon2');
const verify = argon2.verify;
let release;
const released = new Promise((resolve) => (release = resolve));
process.on('SIGUSR2', () => release());

argon2.verify = async function heldVerify(...args) {
  process.stderr.write(`${HELD_LINE}\n`);
  await released;
  return verify.apply(this, args);
};
