/**
 * Writes openapi.yaml from the route definitions; with --check, fails when the
 * committed file differs from what the code generates (run in CI and by a test).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { createGateway } from '../gateway.js';
import { openApiDocument, toYaml } from '../http/openapi.js';

export const OPENAPI_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../openapi.yaml');

/** The document as the code defines it (routes are registered on a real, throwaway gateway). */
export async function generateOpenApiYaml(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-openapi-'));
  const gateway = await createGateway(loadConfig({ overrides: { dataDir, logLevel: 'silent' } }));
  try {
    return toYaml(openApiDocument(gateway.app));
  } finally {
    await gateway.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const yaml = await generateOpenApiYaml();
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(OPENAPI_FILE) ? fs.readFileSync(OPENAPI_FILE, 'utf8') : '';
    if (committed !== yaml) {
      process.stderr.write('openapi.yaml is out of date: run `npm run openapi:gen` and commit it\n');
      process.exit(1);
    }
    process.stdout.write('openapi.yaml is up to date\n');
  } else {
    fs.writeFileSync(OPENAPI_FILE, yaml);
    process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
  }
}
