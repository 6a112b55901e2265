/**
 * Log lines for a person at a terminal: pino writes its JSON line (already
 * redacted), this stream turns it into one short line —
 *
 *   14:03:07.412 INFO  POST /api/auth/login 401 INVALID_CREDENTIALS 61 ms  [4b1c…]
 *   14:03:09.001 WARN  database unavailable  err.code=ECONNREFUSED  [9e02…]
 *
 * local time, a level name, the message and the remaining fields as
 * key=value. Everything printed comes from the JSON pino produced, so the
 * redaction rules of logger.ts hold here too. Control characters are escaped:
 * a value a client sent must not be able to move the cursor or recolour the
 * terminal.
 */

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '\x1b[90m' },
  20: { name: 'DEBUG', color: '\x1b[34m' },
  30: { name: 'INFO ', color: '\x1b[32m' },
  40: { name: 'WARN ', color: '\x1b[33m' },
  50: { name: 'ERROR', color: '\x1b[31m' },
  60: { name: 'FATAL', color: '\x1b[35m' },
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** Fields shown in their own place, or not at all (pid and hostname are the same on every line). */
const PLACED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'request_id', 'method', 'url', 'status', 'code', 'ms']);

/** C0/C1 controls, DEL, line/paragraph separators and bidi overrides, as \u escapes. */
function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function clock(epochMs: unknown): string {
  const d = typeof epochMs === 'number' ? new Date(epochMs) : new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** `key=value` pairs, nested objects flattened with dots (`err.code=…`). */
function fields(obj: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (prefix === '' && PLACED.has(key)) continue;
    if (key === 'stack' && typeof value === 'string') continue;
    const name = `${prefix}${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...fields(value as Record<string, unknown>, `${name}.`));
    else out.push(`${name}=${printable(typeof value === 'string' ? value : JSON.stringify(value))}`);
  }
  return out;
}

/** The stack of an `err` field, indented under its line (unhandled errors only carry one). */
function stackOf(entry: Record<string, unknown>): string {
  const stack = (entry.err as { stack?: unknown } | undefined)?.stack;
  if (typeof stack !== 'string') return '';
  return `\n${stack.split('\n').map((l) => `    ${printable(l)}`).join('\n')}`;
}

/** One pino JSON line as one readable line (plus an error's stack, indented). */
export function formatPretty(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return printable(line.trimEnd());
  }
  const level = LEVELS[entry.level as number] ?? { name: String(entry.level).padEnd(5), color: '' };
  const paint = (code: string, text: string) => (color && code ? `${code}${text}${RESET}` : text);

  const parts = [paint(DIM, clock(entry.time)), paint(level.color, level.name)];
  if (entry.msg === 'request' && typeof entry.method === 'string') {
    // The request line: what a person scans for.
    parts.push(printable(`${entry.method} ${String(entry.url)} ${String(entry.status)}`));
    if (typeof entry.code === 'string') parts.push(paint(Number(entry.status) >= 500 ? LEVELS[50]!.color : LEVELS[40]!.color, printable(entry.code)));
    if (typeof entry.ms === 'number') parts.push(`${entry.ms} ms`);
  } else {
    parts.push(printable(String(entry.msg ?? '')));
    if (typeof entry.code === 'string') parts.push(`code=${printable(entry.code)}`);
  }
  const rest = fields(entry);
  let text = parts.join(' ');
  if (rest.length > 0) text += `  ${paint(DIM, rest.join(' '))}`;
  if (typeof entry.request_id === 'string') text += `  ${paint(DIM, `[${printable(entry.request_id)}]`)}`;
  return text + stackOf(entry);
}

/** A pino destination that prints each line through formatPretty. */
export function prettyDestination(out: { write(text: string): unknown; isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env) {
  const color = out.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return {
    write(chunk: string): void {
      for (const line of chunk.split('\n')) if (line !== '') out.write(`${formatPretty(line, color)}\n`);
    },
  };
}
