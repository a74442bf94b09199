import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';

/** Debian's chromium package; the browser tests need it installed (`apt-get install chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const WEB_SOURCE = fileURLToPath(new URL('../../src/web', import.meta.url));

/** Builds the web UI from src/web into `outDir` with its own vite config, so tests see the current source. */
export async function buildWebUi(outDir: string): Promise<void> {
  await build({
    configFile: join(WEB_SOURCE, 'vite.config.ts'),
    root: WEB_SOURCE,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
}

/**
 * Starts headless chromium with a throwaway profile in `profileDir`. The
 * flags keep it from contacting any host on its own (updates, sync, field trials).
 */
export function launchBrowser(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  });
}
