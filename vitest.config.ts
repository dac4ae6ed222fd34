import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/web (console and /docs) once per run: the browser tests load it from the gateway.
    globalSetup: ['test/global-setup.ts'],
    // Real servers and real SQLite files: give slow CI machines room, but never time behaviour.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
