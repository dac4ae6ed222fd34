/**
 * The contract: every operation in openapi.yaml (found by walking the document, so an
 * operation added later is covered without touching this file) is sent requests built from
 * its schemas and mutated ones, and every answer must be what the document says:
 * - the status is listed for the operation, and is never 5xx;
 * - the media type and body match the declared response (ajv, JSON Schema 2020-12), every
 *   4xx is problem details whose status is the answer's, and a header the server sends is
 *   declared (required ones present, values matching their schemas);
 * - a request the document forbids is never answered 2xx;
 * - a refused request (4xx) changes nothing that the API shows.
 * `npm test` runs a small fixed-seed budget; `npm run test:contract` runs a larger one with a
 * random seed (CONTRACT_SEED and CONTRACT_RUNS override both; a failure prints its seed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_FILE } from '../../src/tools/gen-openapi.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { SchemaArbitraries } from './arbitraries.js';
import { METHODS, OpenApiDocument, type Answer, type Operation } from './document.js';
import { FIXTURE_HINTS, requestArbitrary, token, type TestRequest } from './requests.js';
import { State } from './state.js';

const SEED = process.env.CONTRACT_SEED === 'random' ? Date.now() ^ (Math.random() * 0x100000000) : Number(process.env.CONTRACT_SEED ?? 20261201);
const RUNS_PER_OPERATION = Number(process.env.CONTRACT_RUNS ?? 6);
const MAX_BODY_BYTES = 4096;

// The committed document, which test/http/openapi.test.ts holds equal to what the server serves.
const document = new OpenApiDocument(parse(fs.readFileSync(OPENAPI_FILE, 'utf8')));

let gw: RunningGateway;
let dataDir: string;
let state: State;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-contract-'));
  gw = await startGateway(
    {
      maxBodyBytes: MAX_BODY_BYTES,
      maxPartitions: 8,
      // Long-polls end at once; sessions outlive the test, so no state moves between two requests by itself.
      fetchMaxWaitMs: 0,
      groupSessionTimeoutMs: 600_000,
      groupMinSessionTimeoutMs: 600_000,
      groupMaxSessionTimeoutMs: 600_000,
      groupMaxGroups: 10,
      groupMaxMembers: 4,
    },
    { dataDir, keep: true },
  );
  state = new State(gw, document);
});

afterAll(async () => {
  await gw?.gateway.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The request as sent, with fixture tokens replaced by the values of the moment. */
function materialize(op: Operation, r: TestRequest, fixtures: Record<string, string | number>) {
  // As UTF-8 carries it: a lone surrogate cannot be sent, it arrives as U+FFFD.
  const fill = (text: string) => Buffer.from(text.replace(/@@(\w+)@@/g, (_m, name: string) => String(fixtures[name] ?? 'missing'))).toString();
  const fillJson = (text: string) => text.replace(/"@@(\w+)@@"/g, (_m, name: string) => JSON.stringify(fixtures[name] ?? 'missing'));
  const pathValues = Object.fromEntries(Object.entries(r.path).map(([k, v]) => [k, fill(v)]));
  const query = Object.fromEntries(Object.entries(r.query).map(([k, v]) => [k, fill(v)]));
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, fill(v)]));
  const body = r.body === undefined ? undefined : fillJson(r.body);
  const url =
    op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(pathValues[name] ?? '')) +
    (Object.keys(query).length ? `?${new URLSearchParams(query)}` : '');
  return { url, pathValues, query, headers, body };
}

/** Why the document forbids this request, or undefined when it allows it. */
function documentRefusal(op: Operation, sent: ReturnType<typeof materialize>): string | undefined {
  for (const p of op.parameters) {
    const raw = p.in === 'path' ? sent.pathValues[p.name] : p.in === 'query' ? sent.query[p.name] : p.in === 'header' ? sent.headers[p.name] : undefined;
    if (raw === undefined) {
      if (p.required) return `${p.in} ${p.name} is required`;
      continue;
    }
    const schema = document.resolve(p.schema);
    const value = (schema.type === 'integer' || schema.type === 'number') && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    const errors = document.errors(p.schema, value);
    if (errors) return `${p.in} ${p.name}: ${errors}`;
  }
  if (!op.body) return undefined;
  if (sent.body === undefined || sent.body === '') return op.body.required ? 'body is required' : undefined;
  const type = sent.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return `content type ${type} is not application/json`;
  let value: unknown;
  try {
    value = JSON.parse(sent.body);
  } catch {
    return 'body is not JSON';
  }
  const errors = document.errors(op.body.schema, value);
  return errors ? `body: ${errors}` : undefined;
}

async function send(op: Operation, sent: ReturnType<typeof materialize>): Promise<Answer> {
  const res = await fetch(gw.url + sent.url, {
    method: op.method,
    headers: sent.headers,
    // Bytes, not a string: fetch would add `content-type: text/plain` to a string body.
    body: sent.body === undefined ? undefined : Buffer.from(sent.body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('contract: every operation in openapi.yaml answers as the document says', () => {
  const schemas = new SchemaArbitraries(document.doc, FIXTURE_HINTS);

  it('has operations to walk, each declaring the shared answers (route definitions use apiRoute)', () => {
    expect(document.operations.length).toBeGreaterThan(10);
    const withoutDefault = document.operations.filter((op) => !op.responses.default).map((op) => op.id);
    expect(withoutDefault, 'operations without a `default` problem response').toEqual([]);
  });

  it.each(document.operations.map((op) => [`${op.method} ${op.path} (${op.id})`, op] as const))('%s', async (_name, op) => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(op, schemas, MAX_BODY_BYTES), async (request) => {
        const before = await state.prepare();
        const sent = materialize(op, request, state.fixtures);
        const answer = await send(op, sent);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const problems = document.checkAnswer(op, answer);
        const refusal = documentRefusal(op, sent);
        if (refusal && answer.status < 300) problems.push(`answered ${answer.status} to a request the document forbids (${refusal})`);
        if (answer.status >= 400 && answer.status < 500) {
          const after = await state.read();
          if (after !== before) problems.push(`a refused request changed the state:\nbefore ${before}\nafter  ${after}`);
        }
        if (problems.length) {
          throw new Error(
            `${op.method} ${sent.url} [${request.label}] headers ${JSON.stringify(sent.headers)} body ${sent.body?.slice(0, 300)}\n` +
              `-> ${answer.status} ${answer.text.slice(0, 300)}\n- ${problems.join('\n- ')}`,
          );
        }
      }),
      { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
    );
    // Something was answered: the walk reached the operation.
    expect(statuses.size).toBeGreaterThan(0);
    // The longer runs say what they reached, to show where the generator needs better aim.
    if (process.env.CONTRACT_RUNS) console.log(`${op.id}: ${[...statuses].sort().map(([s, n]) => `${s}x${n}`).join(' ')}`);
  });

  it('answers a method a path does not have with 405, the Allow header and the MethodNotAllowed response', async () => {
    const methodNotAllowed = { responses: { 405: { $ref: '#/components/responses/MethodNotAllowed' } } } as unknown as Operation;
    for (const [template, item] of Object.entries<any>(document.doc.paths)) {
      const has = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
      const allowed = new Set([...has, ...(has.includes('GET') ? ['HEAD'] : [])]);
      const url = template.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'partition' ? '0' : 'x'));
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !allowed.has(m))) {
        const res = await fetch(gw.url + url, { method });
        const answer = { status: res.status, headers: res.headers, text: await res.text() };
        expect(answer.status, `${method} ${url}`).toBe(405);
        expect(document.checkAnswer(methodNotAllowed, answer), `${method} ${url}`).toEqual([]);
        expect(new Set(answer.headers.get('allow')!.split(', ')), `${method} ${url}`).toEqual(allowed);
      }
    }
  });

  it('has the fixtures it aims at (a topic, a group with a member)', async () => {
    await state.prepare();
    expect(state.fixtures).toMatchObject({ topic: expect.any(String), group: expect.any(String), memberId: expect.any(String) });
    expect(token('topic')).toBe('@@topic@@');
  });
});
