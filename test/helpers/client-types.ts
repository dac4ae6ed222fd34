/**
 * TypeScript types for the REST API, generated from openapi.yaml with openapi-typescript,
 * for the typed client the tests drive (test/helpers/api-client.ts).
 *
 * The file is committed (test/generated/logway-api.ts) so `npm run typecheck` checks every
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
export const CLIENT_TYPES_FILE = path.join(ROOT, 'test/generated/logway-api.ts');
/** The same types for the CLI, which ships in the package (src/cli may import nothing from test/). */
export const CLI_TYPES_FILE = path.join(ROOT, 'src/cli/generated/logway-api.ts');

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
    for (const file of [CLIENT_TYPES_FILE, CLI_TYPES_FILE]) {
      const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (committed !== generated) {
        process.stderr.write(`${path.relative(ROOT, file)} is out of date: run \`npm run openapi:gen\` and commit it\n`);
        process.exit(1);
      }
    }
    process.stdout.write(`${relative} and ${path.relative(ROOT, CLI_TYPES_FILE)} are up to date\n`);
  } else {
    for (const file of [CLIENT_TYPES_FILE, CLI_TYPES_FILE]) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, generated);
      process.stdout.write(`wrote ${path.relative(ROOT, file)}\n`);
    }
  }
}
