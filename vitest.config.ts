import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Starts a private dockerd with locally built images when container tests run.
    globalSetup: ['tests/helpers/docker-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
