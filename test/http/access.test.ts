/**
 * Deny by default, kept true as the API grows: every operation in the document has an access rule
 * or is public, and every rule names an operation that exists.
 */
import { expect, it } from 'vitest';
import { ACCESS_RULES, PUBLIC_OPERATIONS } from '../../src/http/access.js';
import { startGateway } from '../helpers/gateway.js';

it('every operation in openapi.yaml has an access rule or is public, and says what it needs', async () => {
  const g = await startGateway();
  const doc = await (await g.api('/openapi.json')).json();
  const operations: { id: string; method: string; path: string; op: any }[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) operations.push({ id: op.operationId, method, path, op });
  }
  const rules = new Map(ACCESS_RULES.map((r) => [r.operationId, r]));
  for (const { id, method, path, op } of operations) {
    if (PUBLIC_OPERATIONS.has(id)) {
      expect(op.security, id).toEqual([]);
      continue;
    }
    const rule = rules.get(id);
    expect(rule, `operation ${id} (${method} ${path}) has no access rule in src/http/access.ts`).toBeDefined();
    expect(rule!.method).toBe(method.toUpperCase());
    expect(rule!.path).toBe(path.replace(/\{(\w+)\}/g, ':$1'));
    expect(op.description).toContain(`**Requires:** ${rule!.needs}`);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
  }
  expect(operations.map((o) => o.id).sort()).toEqual([...rules.keys(), ...PUBLIC_OPERATIONS].sort());
  expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
});
