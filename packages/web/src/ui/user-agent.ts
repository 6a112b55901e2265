/**
 * A User-Agent header in a few words a person recognises — "Firefox 133 on
 * Windows", "Safari 17 on iOS", "python-requests 2.32" — for the sessions page. A guess from well-known
 * product tokens, never used for anything but display; the page keeps the
 * full text beside it.
 */

/** Browsers by their own token, most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari". */
const BROWSERS: readonly [name: string, token: RegExp][] = [
  ['Edge', /\b(?:Edg|Edge|EdgA|EdgiOS)\/(\d+)/],
  ['Opera', /\b(?:OPR|OPiOS)\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//],
];

/** Systems, most specific first: Android also says "Linux", iOS "like Mac OS X". */
const SYSTEMS: readonly [name: string, token: RegExp][] = [
  ['Windows', /\bWindows\b/],
  ['Android', /\bAndroid\b/],
  ['iPadOS', /\biPad\b/],
  ['iOS', /\b(?:iPhone|iPod)\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['macOS', /\bMac OS X\b|\bMacintosh\b/],
  ['Linux', /\bLinux\b|\bX11\b/],
];

/** Longer than this and not a known browser: cut to its first product token, or to this length. */
const SHORT = 48;

export function describeUserAgent(userAgent: string | null): string {
  const ua = (userAgent ?? '').trim();
  if (ua === '') return 'Unknown browser or client';
  const system = SYSTEMS.find(([, token]) => token.test(ua))?.[0];
  for (const [name, token] of BROWSERS) {
    const version = token.exec(ua)?.[1];
    if (version !== undefined) return system === undefined ? `${name} ${version}` : `${name} ${version} on ${system}`;
  }
  if (ua.length <= SHORT) return ua;
  // A tool names itself first: "curl/8.11.1", "python-requests/2.32.3 …".
  const product = /^([A-Za-z][\w.-]*)\/(\d+(?:\.\d+)?)/.exec(ua);
  if (product !== null && product[1] !== 'Mozilla') return `${product[1]} ${product[2]}`;
  return `${ua.slice(0, SHORT - 1).trimEnd()}…`;
}
