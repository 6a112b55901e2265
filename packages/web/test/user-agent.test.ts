/**
 * The sessions page's short names for User-Agent headers: real headers of
 * common browsers and tools, and what is left of the rest.
 */
import { expect, it } from 'vitest';
import { describeUserAgent } from '../src/ui/user-agent.js';

it.each([
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133 on Windows'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', 'Chrome 156 on Linux'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'Safari 17 on macOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari 17 on iOS'],
  ['Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1', 'Chrome 131 on iPadOS'],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome 131 on Android'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86', 'Edge 131 on Windows'],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/114.0.0.0', 'Opera 114 on ChromeOS'],
  ['curl/8.11.1', 'curl/8.11.1'],
  ['Firefox on Windows', 'Firefox on Windows'],
  ['python-requests/2.32.3 CPython/3.12.7 Linux/6.8.0-49-generic some-long-suffix', 'python-requests 2.32'],
  ['Mozilla/5.0 (compatible; SomeMonitoringRobot; +https://monitor.example.org/about)', 'Mozilla/5.0 (compatible; SomeMonitoringRobot; +…'],
  [null, 'Unknown browser or client'],
  ['   ', 'Unknown browser or client'],
])('%s → %s', (userAgent, expected) => {
  expect(describeUserAgent(userAgent)).toBe(expected);
});
