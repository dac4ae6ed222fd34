#!/usr/bin/env node
/* global process, URL */
// The `logway` command. Runs the built CLI (dist/, `npm run build`) when there is one, else the
// TypeScript source through tsx (a clone after `npm install`, before any build).
// LOGWAY_CLI_FROM_SOURCE=1 forces the source (tests, so a stale dist/ is never what they run).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (existsSync(built) && !process.env.LOGWAY_CLI_FROM_SOURCE) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
