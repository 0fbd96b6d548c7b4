import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// The dashboard is served by the API server itself under /dashboard (app/routes/dashboard.ts),
// from dist/dashboard. Hashed file names under assets/ let the server cache them for a year.
export default defineConfig({
  root: here,
  base: '/dashboard/',
  publicDir: 'public',
  // Preact's automatic JSX runtime, without a framework plugin: Vite's own transform does it.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Every browser that runs ES2022 supports modulepreload; no polyfill code to ship.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs; the CSP allows files from 'self' only.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dashboard:dev` proxies the API to a server started with `npm run dev`.
    proxy: { '/auth': 'http://localhost:8006', '/organizations': 'http://localhost:8006', '/v1': 'http://localhost:8006' },
  },
});
