/**
 * The bench measures the gateway users run: `node dist/main.js`, as `npm start` and the image run it,
 * compiled by tsc the way `npm run build` compiles it (its first step), not `src/main.ts` through tsx.
 * tsx's transform keeps function names by wrapping every closure it creates in a `__name` call, which
 * the compiled code does not pay: where the gateway makes closures per record (the JetStream batch codec,
 * before 3b45557) that was 5% of its CPU. The floors are bench code and stay on tsx: they make no
 * closure per record or request (one handler each, row loops without callbacks), so the transform
 * costs them nothing per unit of work and does not flatter the ratios.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const GATEWAY_ENTRY = 'dist/main.js';

let built = false;

/** Compiles src/ into dist/ once per bench process (about 10-20 s), so no stale build is measured. */
export function buildGatewayOnce(): void {
  if (built) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  built = true;
}
