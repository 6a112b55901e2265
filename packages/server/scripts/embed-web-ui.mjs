#!/usr/bin/env node
/**
 * Copies the built web UI (packages/web/dist) into this package's dist/web,
 * where the server looks for it (src/http/web-ui/files.ts). Run by the root
 * `npm run build` after the UI is built: with the UI inside dist/, the server
 * package carries it wherever it is packed and installed.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(serverRoot, '..', 'web', 'dist');
const to = join(serverRoot, 'dist', 'web');

if (!existsSync(join(from, 'index.html'))) {
  console.error(`embed-web-ui: ${from}/index.html is missing; build the UI first (npm run build -w @semauth/web)`);
  process.exit(1);
}
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
