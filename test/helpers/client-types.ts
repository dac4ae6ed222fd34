/**
 * TypeScript types for the REST API, generated from openapi.yaml with openapi-typescript,
 * for the typed client the tests drive (test/helpers/api-client.ts).
 *
 * The file is committed (src/cli/generated/logway-api.ts) so `npm run typecheck` checks every
 * test that uses the client against the document. `npm run openapi:gen` rewrites it after
 * openapi.yaml; a test fails when it is stale.
 *
 *   tsx test/helpers/client-types.ts           write the file
 *   tsx test/helpers/client-types.ts --check   exit 1 if it is out of date
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OPENAPI_YAML = path.join(ROOT, 'openapi.yaml');
/** One copy, in src/ because the CLI ships in the package (src/ may import nothing from test/); tests import it too. */
export const CLIENT_TYPES_FILE = path.join(ROOT, 'src/cli/generated/logway-api.ts');

const HEADER = `/**
 * Generated from openapi.yaml by openapi-typescript (\`npm run openapi:gen\`). Do not edit:
 * test/http/openapi-client.test.ts fails when this file differs from what openapi.yaml generates.
 */

`;

/** The generated module text for an OpenAPI document given as YAML. */
export async function generateClientTypes(yamlText: string): Promise<string> {
  const ast = await openapiTS(parse(yamlText) as Parameters<typeof openapiTS>[0], { silent: true });
  return HEADER + astToString(ast);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const generated = await generateClientTypes(fs.readFileSync(OPENAPI_YAML, 'utf8'));
  const relative = path.relative(ROOT, CLIENT_TYPES_FILE);
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(CLIENT_TYPES_FILE) ? fs.readFileSync(CLIENT_TYPES_FILE, 'utf8') : '';
    if (committed !== generated) {
      process.stderr.write(`${relative} is out of date: run \`npm run openapi:gen\` and commit it\n`);
      process.exit(1);
    }
    process.stdout.write(`${relative} is up to date\n`);
  } else {
    fs.mkdirSync(path.dirname(CLIENT_TYPES_FILE), { recursive: true });
    fs.writeFileSync(CLIENT_TYPES_FILE, generated);
    process.stdout.write(`wrote ${relative}\n`);
  }
}
