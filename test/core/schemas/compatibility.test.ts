/**
 * Compatibility per format and level: what each format's check accepts and refuses (the cases
 * docs/schemas.md lists), and how the levels combine the checks over versions.
 */
import { describe, expect, it } from 'vitest';
import { compatibilityProblems } from '../../../src/core/schemas/compatibility.js';
import { FORMATS } from '../../../src/core/schemas/formats.js';
import type { ParsedSchema } from '../../../src/core/schemas/format.js';
import type { CompatibilityLevel } from '../../../src/storage/schema-store.js';

const json = (schema: object) => FORMATS.JSON.parse(JSON.stringify(schema), []);
const proto = (text: string) => FORMATS.PROTOBUF.parse(text, []);
const avro = (schema: object) => FORMATS.AVRO.parse(JSON.stringify(schema), []);
/** Problems of `next` following `previous` under BACKWARD: can the new schema read old data? */
const backward = (next: ParsedSchema, previous: ParsedSchema) => compatibilityProblems('BACKWARD', next, [{ version: 1, schema: previous }]);

describe('JSON Schema', () => {
  const closed = (properties: object, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });

  it('accepts an optional property added to a closed object, and a type widened', () => {
    expect(backward(json(closed({ a: { type: 'string' }, b: { type: 'integer' } })), json(closed({ a: { type: 'string' } })))).toEqual([]);
    expect(backward(json(closed({ n: { type: 'number' } })), json(closed({ n: { type: 'integer' } })))).toEqual([]);
    expect(backward(json(closed({ s: { enum: ['a', 'b', 'c'] } })), json(closed({ s: { enum: ['a', 'b'] } })))).toEqual([]);
  });

  it('refuses a new required property, a narrowed type, a removed enum value, a closed open object and tighter bounds, naming each', () => {
    const problems = backward(
      json(closed({ a: { type: 'string', maxLength: 3 }, b: { type: 'string' }, s: { enum: ['a'] }, n: { type: 'integer' } }, ['b'])),
      json(closed({ a: { type: 'string' }, b: { type: 'string' }, s: { enum: ['a', 'z'] }, n: { type: 'number' } })),
    );
    expect(problems.join('\n')).toMatch(/properties\/b: required by the reader/);
    expect(problems.join('\n')).toMatch(/properties\/a: maxLength 3/);
    expect(problems.join('\n')).toMatch(/properties\/s: value "z"/);
    expect(problems.join('\n')).toMatch(/properties\/n: type number written/);
    expect(backward(json({ type: 'object', additionalProperties: false }), json({ type: 'object' }))).not.toEqual([]);
  });

  it('treats a property added to an open object as incompatible (old data may hold anything under that name), as Confluent does', () => {
    expect(backward(json({ type: 'object', properties: { x: { type: 'string' } } }), json({ type: 'object' }))).not.toEqual([]);
  });

  it('checks array items', () => {
    expect(backward(json({ type: 'array', items: { type: 'string' } }), json({ type: 'array', items: { type: 'integer' } }))[0]).toMatch(/#\/items/);
  });
});

describe('Protobuf', () => {
  const v1 = 'syntax = "proto3"; package p; message M { int32 id = 1; string name = 2; Inner inner = 3; } message Inner { bool ok = 1; }';

  it('accepts added and removed fields, renamed fields and wire-compatible type changes', () => {
    const v2 = 'syntax = "proto3"; package p; message M { int64 id = 1; string title = 2; Inner inner = 3; repeated string tags = 4; } message Inner { bool ok = 1; }';
    expect(backward(proto(v2), proto(v1))).toEqual([]);
  });

  it('refuses a changed field type, a singular field made repeated and a removed message, naming each', () => {
    const v2 = 'syntax = "proto3"; package p; message M { string id = 1; repeated string name = 2; }';
    const problems = backward(proto(v2), proto(v1)).join('\n');
    expect(problems).toMatch(/field id = 1 changed type from int32 to string/);
    expect(problems).toMatch(/field name = 2 changed between singular, repeated and map/);
    const renamed = 'syntax = "proto3"; package p; message Other { int32 id = 1; }';
    expect(backward(proto(renamed), proto(v1)).join('\n')).toMatch(/message p.M was removed/);
  });
});

describe('levels', () => {
  const v1 = avro({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] });
  const v2 = avro({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }, { name: 'b', type: 'int', default: 0 }] });
  // Drops `a`, which has no default: v3 reads v2's data but not... it reads everything; v1 cannot read v3's data.
  const v3 = avro({ type: 'record', name: 'R', fields: [{ name: 'b', type: 'int', default: 0 }] });
  const versions = [
    { version: 1, schema: v1 },
    { version: 2, schema: v2 },
  ];
  const check = (level: CompatibilityLevel, candidate: ParsedSchema) => compatibilityProblems(level, candidate, versions);

  it('BACKWARD: the new schema reads the previous data; FORWARD: the previous schema reads the new data; FULL: both', () => {
    expect(check('BACKWARD', v3)).toEqual([]);
    expect(check('FORWARD', v3)[0]).toMatch(/^FORWARD: version 2 cannot read data written with the new schema/);
    expect(check('FULL', v3)).toHaveLength(1);
    expect(check('NONE', v3)).toEqual([]);
  });

  it('_TRANSITIVE checks every live version, the plain level only the latest', () => {
    // v1 without a default for `b`: only the transitive FORWARD check reaches it.
    const strict = [{ version: 1, schema: avro({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }, { name: 'c', type: 'int' }] }) }, { version: 2, schema: v2 }];
    expect(compatibilityProblems('FORWARD', v2, strict.slice(1))).toEqual([]);
    expect(compatibilityProblems('FORWARD_TRANSITIVE', v2, strict)[0]).toMatch(/version 1 cannot read/);
    expect(compatibilityProblems('BACKWARD_TRANSITIVE', v3, versions)).toEqual([]);
  });
});
