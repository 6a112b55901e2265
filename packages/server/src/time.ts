/**
 * Formatted seconds, remembered: Date#toISOString costs about a microsecond,
 * and every GET /api/user formats the same few creation times again.
 */
const formatted = new Map<number, string>();
const MAX_FORMATTED = 10_000;

/** Wire format of every date-time: UTC, whole seconds, literal `Z` (SPEC §3). */
export function toRfc3339(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  let text = formatted.get(seconds);
  if (text === undefined) {
    text = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(seconds, text);
  }
  return text;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an RFC 3339 date-time with an explicit offset; null when invalid.
 * Every field must name a real instant: `Date.parse` rolls impossible values
 * over (2027-02-30 becomes 2 March, `T24:00:00` the next day), which would
 * store another date than the client meant. Leap seconds (`:60`) are refused
 * too: JavaScript time has none, and any stand-in would be a second off.
 */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // Fractions are kept to the millisecond, as Date.parse did.
  const ms = m[7] ? Number(`${m[7].slice(1)}00`.slice(0, 3)) : 0;
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, ms);
  return local.getTime() - offsetMinutes * 60_000;
}

/** Durations like `90s`, `15m`, `24h`, `30d`, `2w`; null when invalid. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})\s*(s|m|h|d|w)$/.exec(text.trim());
  if (!m) return null;
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  const ms = Number(m[1]) * unit;
  return ms > 0 ? ms : null;
}
