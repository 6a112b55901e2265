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

/** Parses an RFC 3339 date-time with an explicit offset; null when invalid. */
export function parseRfc3339(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Durations like `90s`, `15m`, `24h`, `30d`, `2w`; null when invalid. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})\s*(s|m|h|d|w)$/.exec(text.trim());
  if (!m) return null;
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  const ms = Number(m[1]) * unit;
  return ms > 0 ? ms : null;
}
