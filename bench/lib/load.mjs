// Parent side of the load generators: each run is its own child process, so
// that neither the suite's bookkeeping nor the server shares its event loop.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LOAD_WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));
const HASH_WORKER = fileURLToPath(new URL('./hash-worker.mjs', import.meta.url));

function runChild(script, job, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`${script} printed no result: ${out}${err}`));
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}

/**
 * One HTTP load run (autocannon): resolves with
 * { durationSec, ok, non2xx, errors, timeouts, rps (2xx/s), p50, p99 (ms), statusCodes }.
 * `job`: { origin, path, method?, headers?, body?, rotateHeaders?, connections, durationSec }.
 */
export function runLoad(job) {
  return runChild(LOAD_WORKER, job);
}

/** Raw Argon2 verifications/s of `hash` with `threads` libuv threads: { verifies, rate }. */
export function runHashBaseline({ threads, hash, password, concurrency, durationSec }) {
  return runChild(HASH_WORKER, { hash, password, concurrency, durationSec }, { UV_THREADPOOL_SIZE: String(threads) });
}

/** Fails loudly when a run saw errors: a ratio over failed requests means nothing. */
export function assertClean(label, r, { allowNon2xx = false } = {}) {
  const bad = r.errors + r.timeouts + (allowNon2xx ? 0 : r.non2xx);
  if (bad > 0 || r.ok === 0) {
    throw new Error(`${label}: ${r.ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts (${JSON.stringify(r.statusCodes)})`);
  }
  return r;
}
