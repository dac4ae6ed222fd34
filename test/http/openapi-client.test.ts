/**
 * A client generated from openapi.yaml works: types from openapi-typescript, calls through
 * openapi-fetch, against a real gateway. The generated types are committed
 * (src/cli/generated/logway-api.ts), kept in sync by this test, and compiled by it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { startGatewayWithClient, type Schema } from '../helpers/api-client.js';
import { CLIENT_TYPES_FILE, generateClientTypes, OPENAPI_YAML } from '../helpers/client-types.js';
import { REPO_ROOT } from '../helpers/process.js';

const THIS_FILE = fileURLToPath(import.meta.url);

/** Type errors of `files` under the project's tsconfig, as readable lines. */
function typeErrors(files: string[]): string[] {
  const configFile = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, REPO_ROOT);
  // rootDir only matters for emitting; a probe file outside the repo must not trip it.
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, rootDir: undefined });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(REPO_ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

/** This file and every other test that drives the generated client. */
function clientUsers(): string[] {
  const testDir = path.join(REPO_ROOT, 'test');
  const users = fs
    .readdirSync(testDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(testDir, f))
    .filter((f) => fs.readFileSync(f, 'utf8').includes('helpers/api-client.js'));
  expect(users).toContain(THIS_FILE);
  return users;
}

describe('generated client types', () => {
  it('match what openapi.yaml generates (run `npm run openapi:gen` when this fails)', async () => {
    const generated = await generateClientTypes(fs.readFileSync(OPENAPI_YAML, 'utf8'));
    expect(fs.readFileSync(CLIENT_TYPES_FILE, 'utf8') === generated, 'src/cli/generated/logway-api.ts is stale').toBe(true);
  });

  // One program for both (a type-check costs seconds): the probe must fail, everything else must pass.
  it('compile, type-check every test that uses the client, and reject a call that does not match the document', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-client-probe-'));
    try {
      const probe = path.join(dir, 'probe.ts');
      const helper = path.join(REPO_ROOT, 'test/helpers/api-client.js');
      fs.writeFileSync(
        probe,
        `import { createLogwayClient } from ${JSON.stringify(helper)};\n` +
          `const client = createLogwayClient('http://127.0.0.1:1');\n` +
          `void client.POST('/v1/topics', { body: { nmae: 'orders' } });\n` +
          `void client.GET('/v1/topics/{topic}/partitions/{partition}/records', { params: { path: { topic: 'orders', partition: 'zero' } } });\n`,
      );
      const errors = typeErrors([CLIENT_TYPES_FILE, ...clientUsers(), probe]);
      expect(errors.filter((e) => !e.includes('probe.ts'))).toEqual([]);
      const probeErrors = errors.join('\n');
      expect(probeErrors).toContain("'nmae'");
      expect(probeErrors).toContain("Type 'string' is not assignable to type 'number'");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // A whole-program type-check: seconds on a quiet machine, minutes on a loaded one. Not a timing claim.
  }, 300_000);
});

describe('generated client against a real gateway', () => {
  it('creates a topic, produces (keyed, binary, idempotent) and fetches', async () => {
    const { client } = await startGatewayWithClient();

    const created = await client.POST('/v1/topics', { body: { name: 'orders', partitions: 3 } });
    expect(created.response.status).toBe(201);
    const topic: Schema<'Topic'> | undefined = created.data;
    expect(topic?.name).toBe('orders');
    expect(topic?.partitionOffsets).toEqual([0, 1, 2].map((partition) => ({ partition, logStartOffset: 0, highWatermark: 0 })));

    // Errors come back typed as problem details.
    const again = await client.POST('/v1/topics', { body: { name: 'orders', partitions: 3 } });
    expect(again.response.status).toBe(409);
    expect(again.error?.code).toBe('TOPIC_ALREADY_EXISTS');

    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const produceRequest: Schema<'ProduceRequest'> = {
      records: [
        { key: 'customer-7', value: { total: 42 }, headers: { source: 'checkout' }, partition: 1 },
        { value: bytes.toString('base64'), valueEncoding: 'base64', partition: 1 },
      ],
    };
    const produced = await client.POST('/v1/topics/{topic}/records', {
      params: { path: { topic: 'orders' }, header: { 'idempotency-key': 'order-7' } },
      body: produceRequest,
    });
    expect(produced.response.status).toBe(200);
    // The 200 is a ProduceResponse for a JSON body (an NdjsonProduceResponse answers an NDJSON one).
    const positions = produced.data && 'records' in produced.data ? produced.data.records : undefined;
    expect(positions?.map((r) => [r.partition, r.offset])).toEqual([
      [1, 0],
      [1, 1],
    ]);

    const replayed = await client.POST('/v1/topics/{topic}/records', {
      params: { path: { topic: 'orders' }, header: { 'idempotency-key': 'order-7' } },
      body: produceRequest,
    });
    expect(replayed.response.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.data).toEqual(produced.data);

    const fetched = await client.GET('/v1/topics/{topic}/partitions/{partition}/records', {
      params: { path: { topic: 'orders', partition: 1 }, query: { offset: 0, limit: 100 } },
    });
    expect(fetched.response.status).toBe(200);
    // A string when the answer is NDJSON (Accept: application/x-ndjson); this one asked for JSON.
    const records: Schema<'Record'>[] = typeof fetched.data === 'object' ? fetched.data.records : [];
    expect(records).toMatchObject([
      { topic: 'orders', partition: 1, offset: 0, key: 'customer-7', value: { total: 42 }, headers: { source: 'checkout' } },
      { topic: 'orders', partition: 1, offset: 1, key: null, valueEncoding: 'base64', headers: {} },
    ]);
    expect(Buffer.from(records[1]!.value as string, 'base64').equals(bytes)).toBe(true);
    expect(fetched.data).toMatchObject({ nextOffset: 2, highWatermark: 2, logStartOffset: 0 });

    const outOfRange = await client.GET('/v1/topics/{topic}/partitions/{partition}/records', {
      params: { path: { topic: 'orders', partition: 1 }, query: { offset: 99 } },
    });
    expect(outOfRange.response.status).toBe(416);
    expect(outOfRange.error?.code).toBe('OFFSET_OUT_OF_RANGE');

    const described = await client.GET('/v1/topics/{topic}', { params: { path: { topic: 'orders' } } });
    expect(described.data?.partitionOffsets?.[1]).toEqual({ partition: 1, logStartOffset: 0, highWatermark: 2 });
  });

  it('reads the latest record of a key (keys/{key}) on a compacted topic, and a tombstoned key as 404', async () => {
    const { client } = await startGatewayWithClient();
    await client.POST('/v1/topics', { body: { name: 'profiles', config: { cleanupPolicy: 'compact' } } });
    await client.POST('/v1/topics/{topic}/records', {
      params: { path: { topic: 'profiles' } },
      body: { records: [{ key: 'u1', value: 1 }, { key: 'u1', value: 2 }, { key: 'u2', value: 3 }, { key: 'u2', value: null }] },
    });
    const latest = await client.GET('/v1/topics/{topic}/keys/{key}', { params: { path: { topic: 'profiles', key: 'u1' } } });
    const record: Schema<'Record'> | undefined = latest.data;
    expect(record).toMatchObject({ topic: 'profiles', offset: 1, key: 'u1', value: 2 });
    const gone = await client.GET('/v1/topics/{topic}/keys/{key}', { params: { path: { topic: 'profiles', key: 'u2' } } });
    expect(gone.response.status).toBe(404);
    expect(gone.error?.code).toBe('NOT_FOUND');
  });

  it('takes a snapshot in pages (snapshot), typed, with the offsets to continue from, and a 410 for an ended one', async () => {
    const { client } = await startGatewayWithClient();
    await client.POST('/v1/topics', { body: { name: 'profiles', config: { cleanupPolicy: 'compact' } } });
    await client.POST('/v1/topics/{topic}/records', {
      params: { path: { topic: 'profiles' } },
      body: { records: [{ key: 'u1', value: 1 }, { key: 'u1', value: 2 }, { key: 'u2', value: 3 }, { key: 'u3', value: 4 }, { key: 'u3', value: null }] },
    });
    const first = await client.GET('/v1/topics/{topic}/snapshot', { params: { path: { topic: 'profiles' }, query: { limit: 1 } } });
    const page: Schema<'Snapshot'> | undefined = first.data;
    expect(page?.offsets).toEqual([{ partition: 0, offset: 5 }]);
    expect(page?.records.map((r) => [r.key, r.value])).toEqual([['u1', 2]]);
    const cursor = page!.nextCursor!;
    const second = await client.GET('/v1/topics/{topic}/snapshot', { params: { path: { topic: 'profiles' }, query: { cursor, limit: 10 } } });
    expect(second.data?.records.map((r) => [r.key, r.value])).toEqual([['u2', 3]]);
    expect(second.data?.nextCursor).toBeNull();
    const ended = await client.GET('/v1/topics/{topic}/snapshot', { params: { path: { topic: 'profiles' }, query: { cursor: cursor.replace(/\.\d+$/, '.9') } } });
    expect(ended.response.status).toBe(410);
    expect(ended.error?.code).toBe('SNAPSHOT_EXPIRED');
  });
});
