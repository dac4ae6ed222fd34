/**
 * Each schema type as JSON Schema (ParsedSchema.toJsonSchema, for a topic's typed OpenAPI
 * document) agrees with the gateway's own check of JSON records: values it accepts match the
 * converted schema, and values it refuses do not (for the cases the conversion covers).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../../src/core/schemas/formats.js';

const cases = [
  {
    format: 'AVRO' as const,
    schema: JSON.stringify({
      type: 'record',
      name: 'Node',
      namespace: 'tree',
      fields: [
        { name: 'id', type: 'int' },
        { name: 'big', type: 'long', default: 0 },
        { name: 'ratio', type: 'double' },
        { name: 'ok', type: 'boolean' },
        { name: 'label', type: ['null', 'string'], default: null },
        { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'] } },
        { name: 'attrs', type: { type: 'map', values: 'string' } },
        { name: 'children', type: { type: 'array', items: 'Node' } },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'either', type: ['null', { type: 'record', name: 'A', fields: [{ name: 'a', type: 'int' }] }, { type: 'record', name: 'B', fields: [{ name: 'b', type: 'int' }] }], default: null },
      ],
    }),
    good: [
      { id: 1, ratio: 0.5, ok: true, color: 'RED', attrs: {}, children: [], at: 0 },
      { id: 2, big: 2 ** 40, ratio: 1, ok: false, label: 'x', color: 'GREEN', attrs: { k: 'v' }, at: 1, either: { 'tree.B': { b: 1 } },
        children: [{ id: 3, ratio: 2, ok: true, color: 'RED', attrs: {}, children: [], at: 2 }] },
    ],
    bad: [
      { id: 1.5, ratio: 0.5, ok: true, color: 'RED', attrs: {}, children: [], at: 0 },
      { id: 2 ** 31, ratio: 0.5, ok: true, color: 'RED', attrs: {}, children: [], at: 0 },
      { id: 1, ratio: 0.5, ok: true, color: 'BLUE', attrs: {}, children: [], at: 0 },
      { id: 1, ratio: 0.5, ok: true, color: 'RED', attrs: { k: 1 }, children: [], at: 0 },
      { id: 1, ratio: 0.5, ok: true, color: 'RED', attrs: {}, children: [{ id: 'x' }], at: 0 },
      { id: 1, ratio: 0.5, ok: true, color: 'RED', attrs: {}, children: [] },
      { id: 1, ratio: 0.5, ok: true, color: 'RED', attrs: {}, children: [], at: 0, either: { b: 1 } },
    ],
  },
  {
    format: 'PROTOBUF' as const,
    schema: 'syntax = "proto3"; package p; message Msg { int32 small = 1; uint64 big = 2; string user_name = 3; bool on = 4; bytes blob = 5; repeated Msg kids = 6; map<string, double> scores = 7; Mode mode = 8; } enum Mode { OFF = 0; ON = 1; }',
    good: [{}, { small: -3, big: '18446744073709551615', userName: 'a', on: true, blob: 'AAE=', kids: [{ small: 1 }], scores: { a: 1.5 }, mode: 'ON' }, { big: 12 }],
    bad: [{ small: 2 ** 31 }, { small: 'x' }, { big: '1.5' }, { mode: 'MAYBE' }, { kids: [{ nope: 1 }] }, { extra: 1 }, { scores: { a: 'x' } }],
  },
  {
    format: 'JSON' as const,
    schema: JSON.stringify({
      type: 'object',
      properties: { name: { type: 'string' }, home: { $ref: '#/$defs/place' }, work: { $ref: '#/definitions/place2' } },
      required: ['name'],
      $defs: { place: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      definitions: { 'place2': { type: 'object', properties: { zip: { type: 'integer' } } } },
    }),
    good: [{ name: 'a' }, { name: 'b', home: { city: 'x' }, work: { zip: 1 } }],
    bad: [{}, { name: 1 }, { name: 'a', home: {} }, { name: 'a', work: { zip: 'x' } }],
  },
];

describe.each(cases)('$format as JSON Schema', ({ format, schema, good, bad }) => {
  it('accepts what the gateway accepts and refuses what it refuses', () => {
    const parsed = FORMATS[format].parse(schema, []);
    const check = new Ajv2020({ strict: false }).compile(parsed.toJsonSchema());
    for (const value of good) {
      expect(parsed.validate(value), JSON.stringify(value)).toEqual([]);
      expect(check(value), `${JSON.stringify(value)}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
    for (const value of bad) {
      expect(parsed.validate(value), JSON.stringify(value)).not.toEqual([]);
      expect(check(value), JSON.stringify(value)).toBe(false);
    }
  });
});

it('JSON Schema references become $defs under their reference name', () => {
  const parsed = FORMATS.JSON.parse(JSON.stringify({ type: 'object', properties: { a: { $ref: 'address.json' } } }), [
    { name: 'address.json', schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { city: { type: 'string' } } }) },
  ]);
  expect(parsed.toJsonSchema()).toEqual({
    type: 'object',
    properties: { a: { $ref: '#/$defs/address.json' } },
    $defs: { 'address.json': { type: 'object', properties: { city: { type: 'string' } } } },
  });
});
