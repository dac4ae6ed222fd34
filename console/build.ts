/**
 * Builds the web console and the API reference into dist/web (`npm run build:console`, run by
 * `npm run build` and by the tests' global setup). The gateway serves that folder (src/http/web.ts).
 *
 * - dist/web/console: console/src bundled by esbuild (preact), with a content hash in each name.
 * - dist/web/docs: Swagger UI's own prebuilt files from node_modules (swagger-ui-dist), renamed with
 *   their hash, and console/docs/init.ts, which points it at this gateway's /openapi.json.
 * - dist/web/client: the browser client (client/build.ts), logway.js.
 * Nothing is fetched from a network, at build time or in the browser.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { buildClient } from '../client/build.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/** 8 hex digits of the content, upper case, as esbuild's [hash] (src/http/web.ts caches such names for good). */
function hashed(name: string, body: Buffer): string {
  const ext = path.extname(name);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 8).toUpperCase();
  return `${path.basename(name, ext)}-${hash}${ext}`;
}

function page(title: string, head: string, body: string): string {
  // The icon is inline so the browser asks for no favicon.ico.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
${head}
</head>
<body>
${body}
</body>
</html>
`;
}

async function bundle(entry: string, outdir: string): Promise<{ js: string; css?: string }> {
  const result = await esbuild.build({
    entryPoints: { [path.basename(entry).replace(/\.tsx?$/, '')]: entry },
    outdir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: false,
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((o) => path.basename(o));
  const js = outputs.find((o) => o.endsWith('.js'));
  if (js === undefined) throw new Error(`esbuild produced no script for ${entry}`);
  return { js, css: outputs.find((o) => o.endsWith('.css')) };
}

async function buildConsole(out: string): Promise<void> {
  const { js, css } = await bundle(path.join(here, 'src', 'main.tsx'), out);
  const head = `${css ? `<link rel="stylesheet" href="${css}">\n` : ''}<script type="module" src="${js}"></script>`;
  fs.writeFileSync(path.join(out, 'index.html'), page('Logway console', head, '<div id="app"></div>'));
}

async function buildDocs(out: string): Promise<void> {
  const dist = path.join(root, 'node_modules', 'swagger-ui-dist');
  const names: Record<string, string> = {};
  for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
    const body = fs.readFileSync(path.join(dist, file));
    names[file] = hashed(file, body);
    fs.writeFileSync(path.join(out, names[file]), body);
  }
  fs.copyFileSync(path.join(dist, 'LICENSE'), path.join(out, 'swagger-ui-LICENSE.txt'));
  const { js } = await bundle(path.join(here, 'docs', 'init.ts'), out);
  const head = `<link rel="stylesheet" href="${names['swagger-ui.css']}">
<script src="${names['swagger-ui-bundle.js']}"></script>
<script type="module" src="${js}"></script>`;
  fs.writeFileSync(path.join(out, 'index.html'), page('Logway API reference', head, '<div id="swagger-ui"></div>'));
}

/** Builds into a fresh folder, then swaps it in, so a gateway reading the old one never sees half a build. */
export async function buildWeb(target = path.join(root, 'dist', 'web')): Promise<string> {
  const staging = `${target}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const site of ['console', 'docs', 'client']) fs.mkdirSync(path.join(staging, site), { recursive: true });
  await buildConsole(path.join(staging, 'console'));
  await buildDocs(path.join(staging, 'docs'));
  await buildClient(path.join(staging, 'client'));
  const old = `${target}.old-${process.pid}`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(staging, target);
  fs.rmSync(old, { recursive: true, force: true });
  return target;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = await buildWeb();
  console.log(`console and API reference built into ${path.relative(process.cwd(), target) || target}`);
}
