// The load generator, run as its own process (so that it does not share an
// event loop with the server or with the suite's bookkeeping). It reads one
// JSON job on stdin, drives it with autocannon and prints one JSON result.
//
// Latencies are taken from every response with autocannon's own float
// timings rather than its histogram, whose resolution is 1 ms — too coarse
// for sub-millisecond loopback requests.
import autocannon from 'autocannon';

const job = JSON.parse(await readStdin());
const samples = new Float64Array(Math.max(1024, job.maxSamples ?? 2_000_000));
let n = 0;

const request = { method: job.method ?? 'GET', path: job.path, headers: job.headers ?? {} };
if (job.body !== undefined) request.body = job.body;
if (job.rotateHeaders?.length) {
  // Each request carries the next header set (e.g. a different bearer token).
  const sets = job.rotateHeaders;
  let i = 0;
  request.setupRequest = (req) => ({ ...req, headers: { ...req.headers, ...sets[i++ % sets.length] } });
}

const instance = autocannon({
  url: job.origin,
  connections: job.connections,
  duration: job.durationSec,
  requests: [request],
  timeout: job.timeoutSec ?? 30,
});
instance.on('response', (_client, statusCode, _bytes, ms) => {
  if (statusCode >= 200 && statusCode < 300 && n < samples.length) samples[n++] = ms;
});
const result = await instance;

const sorted = samples.subarray(0, n).sort();
const pct = (p) => (n === 0 ? null : sorted[Math.min(n - 1, Math.floor((p / 100) * n))]);
process.stdout.write(
  JSON.stringify({
    durationSec: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    rps: result['2xx'] / result.duration,
    p50: pct(50),
    p99: pct(99),
    statusCodes: result.statusCodeStats,
  }) + '\n',
);

async function readStdin() {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s;
}
