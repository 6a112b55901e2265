/**
 * The web UI's files, read once at start into memory: index.html (with its
 * `<base href>` set to the web root) and the hashed files under assets/.
 * Only these files can ever be served — a request names a key in a map,
 * never a path on disk, so no URL can reach another file.
 *
 * Where they come from: the root `npm run build` builds packages/web and
 * copies its output into this package's dist/web (scripts/embed-web-ui.mjs),
 * so the UI travels inside the server package wherever it is packed and
 * installed, and the server finds it next to its own code.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface StaticFile {
  body: Buffer;
  /** The body gzipped, when that is smaller. */
  gzip: Buffer | null;
  type: string;
  etag: string;
}

export interface WebUi {
  index: StaticFile;
  /** By file name below assets/, e.g. `index-DR8Mcf1y.js`. */
  assets: ReadonlyMap<string, StaticFile>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

/** What index.html carries as built; replaced by the web root. */
const BASE_MARKER = '<base href="/">';

/** dist/web of this package, whether this module runs from src/ (tests) or dist/. */
export function defaultWebUiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
}

/**
 * Loads the UI for a web root prefix (`''` or e.g. `/semaphore`). Returns
 * the reason instead when there is no usable build, so the server can say
 * so and still serve its API.
 */
export function loadWebUi(dir: string, prefix: string): WebUi | { missing: string } {
  const key = `${dir}\0${prefix}`;
  let loaded = loadedUis.get(key);
  if (loaded === undefined) loadedUis.set(key, (loaded = readWebUi(dir, prefix)));
  return loaded;
}

/** Apps built in one process (tests build one per test) share the files read for the same place and prefix. */
const loadedUis = new Map<string, WebUi | { missing: string }>();

function readWebUi(dir: string, prefix: string): WebUi | { missing: string } {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) return { missing: `${indexPath} does not exist (run \`npm run build\`)` };
  const html = readFileSync(indexPath, 'utf8');
  if (!html.includes(BASE_MARKER)) return { missing: `${indexPath} has no ${BASE_MARKER} to set the web root in` };
  const index = staticFile(Buffer.from(html.replace(BASE_MARKER, `<base href="${escapeAttribute(prefix)}/">`)), '.html');

  const assets = new Map<string, StaticFile>();
  const assetDir = join(dir, 'assets');
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const type = extname(name);
      if (TYPES[type] === undefined || !statSync(join(assetDir, name)).isFile()) continue;
      assets.set(name, staticFile(readFileSync(join(assetDir, name)), type));
    }
  }
  return { index, assets };
}

function staticFile(body: Buffer, extension: string): StaticFile {
  const gzip = COMPRESSIBLE.has(extension) ? gzipSync(body, { level: 9 }) : null;
  return {
    body,
    gzip: gzip !== null && gzip.length < body.length ? gzip : null,
    type: TYPES[extension]!,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
