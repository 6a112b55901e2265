/**
 * Readable logs for a person (SEMAUTH_LOG_FORMAT=pretty, or `auto` on a
 * terminal): one short line per request with its status, error code, time
 * and request id; JSON for everything else (pipes, files, collectors).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createLogger, resolvedLogFormat } from '../../src/logger.js';
import { formatPretty } from '../../src/log-pretty.js';
import { FAST_HASHING_ENV, freshDatabaseEnv, tempDir } from '../support/database.js';
import { http } from '../support/http.js';
import { SEMAUTH_BIN, freePort, startServerProcess, waitForPing } from '../support/server-process.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ level: 30, time: Date.UTC(2026, 10, 27, 17, 32, 36, 412), pid: 1, hostname: 'h', ...o });

describe('formatPretty', () => {
  it('a request line: time, level, method, URL, status, code, duration, request id', () => {
    const text = formatPretty(line({ request_id: 'abc-123', method: 'POST', url: '/api/auth/login', status: 401, code: 'INVALID_CREDENTIALS', ms: 61, msg: 'request' }), false);
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.412 INFO {2}POST \/api\/auth\/login 401 INVALID_CREDENTIALS 61 ms {2}\[abc-123\]$/);
  });

  it('other lines: the message, then the other fields as key=value (nested with dots); pid and hostname left out', () => {
    const text = formatPretty(line({ level: 40, msg: 'database unavailable', err: { code: 'ECONNREFUSED', message: 'connect refused' }, request_id: 'r1' }), false);
    expect(text).toMatch(/^\S+ WARN {2}database unavailable {2}err\.code=ECONNREFUSED err\.message=connect refused {2}\[r1\]$/);
    expect(text).not.toMatch(/pid|hostname/);
  });

  it('an error stack goes below its line, indented', () => {
    const text = formatPretty(line({ level: 50, msg: 'unhandled error', err: { message: 'boom', stack: 'Error: boom\n    at f (x.js:1:1)' } }), false);
    expect(text.split('\n')).toEqual([expect.stringMatching(/ERROR unhandled error {2}err\.message=boom$/), '    Error: boom', '        at f (x.js:1:1)']);
  });

  it('escapes control characters a client may have sent, in every field', () => {
    const text = formatPretty(line({ method: 'GET', url: '/a\u001b[31m\r\nFAKE', status: 404, ms: 1, msg: 'request', ua: 'x\u0007\u202e' }), false);
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain('/a\\u001b[31m\\u000d\\u000aFAKE');
    expect(text).toContain('ua=x\\u0007\\u202e');
  });

  it('colours only when asked to (a terminal), and a non-JSON line passes through', () => {
    const entry = line({ method: 'GET', url: '/api/user', status: 401, code: 'UNAUTHENTICATED', ms: 2, msg: 'request' });
    expect(formatPretty(entry, false)).not.toContain('\u001b[');
    expect(formatPretty(entry, true)).toContain('\u001b[33mUNAUTHENTICATED\u001b[0m');
    expect(formatPretty('not json\u001b', false)).toBe('not json\\u001b');
  });
});

describe('createLogger', () => {
  it('masks passwords, secrets and tokens at the top level and one level down', () => {
    const lines: string[] = [];
    const log = createLogger({ logLevel: 'info', logFormat: 'json' } as Config, { write: (l) => void lines.push(l) });
    log.info({ password: 'pw-top', secret: 'se-top', token: 'tk-top', body: { password: 'pw-in', secret: 'se-in', token: 'tk-in' }, login: 'alice' }, 'line');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/pw-|se-|tk-/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ password: '[redacted]', body: { token: '[redacted]' }, login: 'alice', msg: 'line' });
  });
});

describe('SEMAUTH_LOG_FORMAT', () => {
  it('auto: pretty on a terminal, JSON otherwise; an explicit choice wins', () => {
    expect(resolvedLogFormat({ logFormat: 'auto' }, { isTTY: true })).toBe('pretty');
    expect(resolvedLogFormat({ logFormat: 'auto' }, { isTTY: false })).toBe('json');
    expect(resolvedLogFormat({ logFormat: 'auto' }, {})).toBe('json');
    expect(resolvedLogFormat({ logFormat: 'json' }, { isTTY: true })).toBe('json');
    expect(resolvedLogFormat({ logFormat: 'pretty' }, { isTTY: false })).toBe('pretty');
  });

  it('pretty: the server prints readable lines, a request line per request', async () => {
    const server = await startServerProcess({ env: { SEMAUTH_LOG_LEVEL: 'info', SEMAUTH_LOG_FORMAT: 'pretty' } });
    try {
      const r = await http('GET', `${server.url}/api/user`);
      const id = r.headers['x-request-id'] as string;
      const deadline = Date.now() + 10_000;
      while (!server.output().includes(id) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      const out = server.output();
      expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}semauth \d+\.\d+\.\d+\S* starting \(no config file: settings from the environment\) {2}version=/m);
      expect(out).toMatch(new RegExp(`^\\S+ INFO {2}GET /api/user 401 UNAUTHENTICATED \\d+ ms {2}\\[${id}\\]$`, 'm'));
      expect(out).not.toMatch(/^\{/m);
      expect(out).not.toContain('\u001b['); // not a terminal: no colours
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('auto on a real terminal (a pseudo-terminal from script(1)): pretty and coloured', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      TERM: 'xterm',
      ...(await freshDatabaseEnv('sqlite')),
      ...FAST_HASHING_ENV,
      SEMAPHORE_PORT: String(port),
      SEMAUTH_ADMIN_PASSWORD: 'admin-password-1',
      SEMAUTH_LOG_LEVEL: 'info',
    };
    // script runs the server on a pseudo-terminal and copies what it prints to our pipe.
    const child = spawn('script', ['-qfec', `exec '${process.execPath}' '${SEMAUTH_BIN}' server`, '/dev/null'], {
      env,
      cwd: tempDir('semauth-cwd-'),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      await waitForPing(`http://127.0.0.1:${port}`, 20_000, child);
      const id = (await http('GET', `http://127.0.0.1:${port}/api/user`)).headers['x-request-id'] as string;
      const deadline = Date.now() + 10_000;
      while (!out.includes(id) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      expect(out).toContain('\u001b[33mUNAUTHENTICATED\u001b[0m');
      const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
      expect(plain).toMatch(new RegExp(`^\\S+ INFO {2}GET /api/user 401 UNAUTHENTICATED \\d+ ms {2}\\[${id}\\]\\r?$`, 'm'));
      expect(out).not.toMatch(/^\{"level"/m);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 60_000);
});
