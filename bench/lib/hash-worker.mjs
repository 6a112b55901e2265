// The hashing ceiling: how many Argon2 verifications of one stored hash this
// machine completes per second with UV_THREADPOOL_SIZE threads (set by the
// parent) and `concurrency` verifications in flight — semauth's login path
// minus everything but the hash. Reads a JSON job on stdin, prints a result.
import argon2 from 'argon2';

let text = '';
for await (const chunk of process.stdin) text += chunk;
const { hash, password, concurrency, durationSec } = JSON.parse(text);

if (!(await argon2.verify(hash, password))) throw new Error('the password does not match the hash');
const started = performance.now();
const end = started + durationSec * 1000;
let done = 0;
async function lane() {
  while (performance.now() < end) {
    await argon2.verify(hash, password);
    if (performance.now() <= end) done++;
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ verifies: done, durationSec: durationSec, rate: done / durationSec, elapsedSec: elapsed }) + '\n');
