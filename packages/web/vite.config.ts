/**
 * Builds the UI into dist/: index.html plus hashed files under assets/.
 * The server serves them (and rewrites index.html's <base href> to its web
 * root), so every URL in the output is relative and nothing is inlined: the
 * page's Content-Security-Policy allows scripts, styles and images from its
 * own origin only.
 *
 * `npm run dev -w @semauth/web` serves the sources on http://127.0.0.1:5173
 * and passes /api on to a semauth at http://127.0.0.1:3000 (or SEMAUTH_DEV_API)
 * started with SEMAUTH_ALLOWED_ORIGINS=http://127.0.0.1:5173, so that its
 * cross-origin check lets the dev page sign in.
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
    port: 5173,
    strictPort: true,
    proxy: { '/api': process.env['SEMAUTH_DEV_API'] ?? 'http://127.0.0.1:3000' },
  },
});
