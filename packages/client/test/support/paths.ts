import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** packages/client */
export const CLIENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repository root (npm workspace root). */
export const REPO_ROOT = resolve(CLIENT_DIR, '..', '..');
/** The repo's own TypeScript compiler, run with `node` (no shell, no npx). */
export const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
