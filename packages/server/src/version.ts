/**
 * The version of this package, read from its package.json: `dist/version.js`
 * (installed) and `src/version.ts` (tests) both sit one level below it.
 */
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
