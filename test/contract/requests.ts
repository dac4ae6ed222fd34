/**
 * Requests for one operation of openapi.yaml: built from its schemas (fast-check), then some
 * of them broken on purpose. Fixture names (an existing topic, group, member) are tokens,
 * filled in when the request is sent, because the member of the moment is known only then.
 */
import fc from 'fast-check';
import type { Operation } from './document.js';
import { jsonPaths, objectPaths, ODD_STRINGS, ODD_VALUES, replaceAt, withOwnKeys, type Hints, type SchemaArbitraries } from './arbitraries.js';

export interface TestRequest {
  /** What was done to it, for the failure message. */
  label: string;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The body's bytes as text; undefined sends none. */
  body?: string;
}

/** A placeholder for a fixture value, replaced when the request is sent. */
export const token = (name: string) => `@@${name}@@`;

/** The fixtures the generator aims at: they exist, so requests reach past the 404s. */
export const FIXTURE_HINTS: Hints = (name) => {
  switch (name) {
    case 'group':
      return fc.constantFrom(token('group'), token('idleGroup'));
    case 'offset':
      // The fixture topic is mostly empty: 0 is the offset most likely to be in range.
      return fc.constant(0);
    case 'topic':
    case 'memberId':
    case 'memberEpoch':
      return fc.constant(token(name));
    case 'topics':
      return fc.constant([token('topic')]);
    case 'partition':
      return fc.integer({ min: 0, max: 3 });
    default:
      return undefined;
  }
};

/** Path values that would change which route answers (dot segments, nothing) are not the operation's. */
const routable = (value: string) => value !== '' && value !== '.' && value !== '..';

export function requestArbitrary(op: Operation, schemas: SchemaArbitraries, maxBodyBytes: number): fc.Arbitrary<TestRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');

  const text = (p: { name: string; schema: any }) => schemas.of(p.schema, p.name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const path = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, text(p).map((v) => (routable(v) ? v : 'x'))])));
  const optional = (params: typeof queryParams) =>
    fc.record(Object.fromEntries(params.map((p) => [p.name, text(p)])), {
      requiredKeys: params.filter((p) => p.required).map((p) => p.name),
    });
  const body = op.body ? schemas.of(op.body.schema).map((v) => v) : fc.constant(undefined);

  const built = fc.record({ path, query: optional(queryParams), headers: optional(headerParams), body }).map(
    ({ path, query, headers, body }) =>
      ({
        label: 'from the schemas',
        path: path as Record<string, string>,
        query: query as Record<string, string>,
        headers: { ...(headers as Record<string, string>), ...(op.body ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        value: body,
      }) as TestRequest & { value: unknown },
  );

  const mutations: fc.Arbitrary<(r: TestRequest & { value: unknown }) => TestRequest>[] = [];
  const odd = fc.constantFrom(...ODD_STRINGS);
  if (pathParams.length) {
    mutations.push(
      fc.tuple(fc.constantFrom(...pathParams.map((p) => p.name)), odd.filter(routable)).map(([name, value]) => (r) => ({
        ...r,
        label: `path ${name} = ${JSON.stringify(value)}`,
        path: { ...r.path, [name]: value },
      })),
    );
  }
  if (queryParams.length) {
    mutations.push(
      fc.tuple(fc.constantFrom(...queryParams.map((p) => p.name)), odd).map(([name, value]) => (r) => ({
        ...r,
        label: `query ${name} = ${JSON.stringify(value)}`,
        query: { ...r.query, [name]: value },
      })),
    );
  }
  if (headerParams.length) {
    // fetch sends only Latin-1 header values: the odd ones here are about length and blankness.
    mutations.push(
      fc.tuple(fc.constantFrom(...headerParams.map((p) => p.name)), fc.constantFrom('', ' ', 'x'.repeat(256), 'é')).map(([name, value]) => (r) => ({
        ...r,
        label: `header ${name} = ${JSON.stringify(value)}`,
        headers: { ...r.headers, [name]: value },
      })),
    );
  }
  if (op.body) {
    const json = (r: TestRequest, label: string, value: unknown): TestRequest => ({ ...r, label, body: JSON.stringify(value) });
    mutations.push(
      // A value of the wrong type, or at and past a boundary, anywhere in the body.
      fc.tuple(fc.nat(), fc.constantFrom(...ODD_VALUES)).map(([i, odd]) => (r) => {
        const paths = jsonPaths(r.value);
        const at = paths[i % paths.length]!;
        return json(r, `body ${at.join('/') || '(root)'} = ${JSON.stringify(odd)}`, replaceAt(r.value, at, odd));
      }),
      // A field left out.
      fc.nat().map((i) => (r) => {
        const paths = jsonPaths(r.value).slice(1);
        if (!paths.length) return { ...r, label: 'body {}', body: '{}' };
        const at = paths[i % paths.length]!;
        return json(r, `body without ${at.join('/')}`, replaceAt(r.value, at, undefined, true));
      }),
      // `__proto__` or `constructor` as a key of some object of the body.
      fc.tuple(fc.nat(), fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom<unknown>('p', 5, null, { a: 1 }, [])).map(
        ([i, key, value]) =>
          (r) => {
            const paths = objectPaths(r.value);
            if (!paths.length) return json(r, `body {${key}}`, withOwnKeys({ [key]: value }));
            const at = paths[i % paths.length]!;
            const target = at.reduce<any>((node, k) => node[k], r.value);
            return json(r, `body ${at.join('/') || '(root)'} with key ${key}`, replaceAt(r.value, at, withOwnKeys({ [key]: value }, withOwnKeys(target))));
          },
      ),
      // Not JSON at all.
      fc.constantFrom('', '{', '{"a":', 'nul', '[1,]', "{'a':1}", '\uFEFF{}', '{"a":1}}').map((text) => (r) => ({ ...r, label: `body text ${JSON.stringify(text)}`, body: text })),
      // JSON under another media type, or none.
      fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', undefined).map(
        (type) => (r) => {
          const headers = { ...r.headers };
          delete headers['content-type'];
          return { ...r, label: `content-type ${type ?? '(none)'}`, headers: type ? { ...headers, 'content-type': type } : headers };
        },
      ),
      // Over maxBodyBytes, though valid JSON (leading whitespace).
      fc.constant((r: TestRequest) => ({ ...r, label: 'body over maxBodyBytes', body: ' '.repeat(maxBodyBytes + 1) + (r.body ?? '{}') })),
      // No body at all.
      fc.constant((r: TestRequest) => ({ ...r, label: 'no body', body: undefined })),
    );
  }

  if (!mutations.length) return built;
  return fc.oneof(
    { arbitrary: built, weight: 2 },
    { arbitrary: fc.tuple(built, fc.oneof(...mutations)).map(([r, mutate]) => mutate(r)), weight: 3 },
  );
}
