/**
 * Client-controlled text that is stored to be shown later — a login in the
 * audit log, a session's User-Agent — ends up on an operator's terminal or a
 * user's page: keep it short, and replace C0/C1 control characters (ESC
 * sequences, 8-bit CSI), line and paragraph separators and bidirectional
 * overrides, which could forge or hide lines.
 */
export function displayText(text: string, max: number): string;
export function displayText(text: string | null, max: number): string | null;
export function displayText(text: string | null, max: number): string | null {
  if (text === null) return null;
  return text.slice(0, max).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
}
