import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/web (console and /docs) once per run: the browser tests load it from the gateway.
    globalSetup: ['test/global-setup.ts'],
    // Real servers and real SQLite files: give slow CI machines room, but never time behaviour.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits up to 1 s by default, no longer than the console's own one-second polls: a page that
    // polls just after the change shows it a second later, which raced the default. Ten seconds only bounds a failure.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
  },
});
