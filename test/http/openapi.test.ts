/**
 * openapi.yaml: generated from the route definitions (drift check), a valid OpenAPI 3.1
 * document by a real validator, and served by the running gateway as YAML and JSON.
 */
import fs from 'node:fs';
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateOpenApiYaml, OPENAPI_FILE } from '../../src/tools/gen-openapi.js';
import { startGateway } from '../helpers/gateway.js';

const committed = () => fs.readFileSync(OPENAPI_FILE, 'utf8');

async function validationErrors(document: unknown): Promise<string | undefined> {
  // validate() dereferences in place: give it a copy.
  const result = await validate(structuredClone(document) as Parameters<typeof validate>[0]);
  return result.valid ? undefined : compileErrors(result);
}

describe('openapi.yaml', () => {
  it('is what the code generates (run `npm run openapi:gen` when this fails)', async () => {
    const generated = await generateOpenApiYaml();
    expect(committed() === generated, 'openapi.yaml differs from the route definitions').toBe(true);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const document = parse(committed()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(await validationErrors(document)).toBeUndefined();
    // The contract's endpoints are all described.
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/topics',
        '/v1/topics/{topic}',
        '/v1/topics/{topic}/records',
        '/v1/topics/{topic}/partitions/{partition}/records',
        '/v1/topics/{topic}/partitions/{partition}/offsets',
        '/healthz',
        '/readyz',
      ]),
    );
  });

  it('fails validation when broken (the validator is not a no-op)', async () => {
    const document = parse(committed()) as { info: Record<string, unknown>; paths: Record<string, Record<string, Record<string, unknown>>> };
    const noTitle = structuredClone(document);
    delete noTitle.info.title;
    expect(await validationErrors(noTitle)).toMatch(/title/);
    const duplicateOperation = structuredClone(document);
    duplicateOperation.paths['/v1/topics']!.post!.operationId = 'listTopics';
    expect(await validationErrors(duplicateOperation)).toMatch(/operationId `listTopics` is duplicated/);
  });

  it('is served by the gateway at /openapi.yaml and /openapi.json', async () => {
    const { api } = await startGateway();
    const yamlRes = await api('/openapi.yaml');
    expect(yamlRes.status).toBe(200);
    expect(yamlRes.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(await yamlRes.text()).toBe(committed());

    const jsonRes = await api('/openapi.json');
    expect(jsonRes.status).toBe(200);
    expect(jsonRes.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await jsonRes.json()).toEqual(parse(committed()));
  });
});
