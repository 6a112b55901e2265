/** Dates as people read them, in the browser's locale and time zone; the exact UTC value stays in `<time datetime>`. */
import { h } from '../dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A `<time>` element for a wire date-time, or `fallback` for `null`. */
export function timeElement(value: string | null | undefined, fallback: string): HTMLElement | string {
  if (value === null || value === undefined) return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return h('time', { datetime: value, title: value }, dateTime.format(date));
}

/** `YYYY-MM-DD` of a local date, as `<input type="date">` wants it. */
export function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
