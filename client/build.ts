/**
 * Bundles the browser client (client/src) into ONE ES module with no imports, dist/web/client/logway.js,
 * which the gateway serves at /client/logway.js and the package exports as `logway/client`.
 * Called by console/build.ts (`npm run build:console`, `npm run build`, the tests' global setup).
 * Not minified: it is small, and a page's author may read it in the browser's debugger.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

export const CLIENT_FILE = 'logway.js';

export async function buildClient(outdir: string): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(here, 'src', 'index.ts')],
    outfile: path.join(outdir, CLIENT_FILE),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
