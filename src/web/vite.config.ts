import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Build of the web UI: `vite build src/web` writes dist/web, which the
 * server's web routes serve. Everything is bundled, so the page loads
 * nothing from other hosts.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
