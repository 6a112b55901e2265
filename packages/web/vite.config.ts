/**
 * Builds the UI into dist/: index.html plus hashed files under assets/.
 * The server serves them (and rewrites index.html's <base href> to its web
 * root), so every URL in the output is relative and nothing is inlined: the
 * page's Content-Security-Policy allows scripts, styles and images from its
 * own origin only.
 *
 * `npm run dev -w @semauth/web` serves the sources with a proxy to a semauth
 * on 127.0.0.1:3000 (start it with SEMAUTH_ALLOWED_ORIGINS=http://localhost:5173).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // data: URIs and inline <script>/<style> would need CSP exceptions.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
