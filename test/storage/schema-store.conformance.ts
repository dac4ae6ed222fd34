/**
 * What any store's `schemas` must do (SQLite today, JetStream next): the same content gets the
 * same id under every subject and forever; versions count up per subject and are never reused;
 * soft-deleted versions stay listed (flagged) and their ids resolve; hard deletes remove the
 * version only; compatibility levels per subject and registry-wide; all of it across a reopen.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { LogStore } from '../../src/storage/log-store.js';
import type { SchemaContent, SchemaStore } from '../../src/storage/schema-store.js';

export function schemaStoreConformance(name: string, open: () => Promise<{ open(): Promise<LogStore> }>): void {
  describe(`SchemaStore conformance: ${name}`, () => {
    async function fresh() {
      const factory = await open();
      const store = await factory.open();
      onTestFinished(() => store.close());
      expect(store.schemas, 'this store keeps schemas').toBeDefined();
      return { factory, store, schemas: store.schemas! };
    }
    async function reopen(factory: { open(): Promise<LogStore> }, store: LogStore): Promise<SchemaStore> {
      await store.close();
      const again = await factory.open();
      onTestFinished(() => again.close());
      return again.schemas!;
    }
    const avro = (n: number): SchemaContent => ({ schemaType: 'AVRO', schema: `{"type":"record","name":"R${n}","fields":[]}`, references: [] });

    it('registers a first version with id and version 1, and the same content again returns it unchanged', async () => {
      const { schemas } = await fresh();
      const first = await schemas.register('orders-value', avro(1));
      expect(first).toEqual({ created: true, version: { subject: 'orders-value', version: 1, id: 1, deleted: false, ...avro(1) } });
      expect(await schemas.register('orders-value', avro(1))).toEqual({ created: false, version: first.version });
      expect(await schemas.versions('orders-value')).toEqual([first.version]);
    });

    it('gives the same content the same id under another subject, new content a new id, and versions count per subject', async () => {
      const { schemas } = await fresh();
      const a = await schemas.register('a', avro(1));
      const b = await schemas.register('b', avro(1));
      const a2 = await schemas.register('a', avro(2));
      expect([a.version.id, b.version.id, a2.version.id]).toEqual([1, 1, 2]);
      expect([a.version.version, b.version.version, a2.version.version]).toEqual([1, 1, 2]);
      expect((await schemas.versionsOfSchema(1)).map((v) => [v.subject, v.version])).toEqual([
        ['a', 1],
        ['b', 1],
      ]);
      expect(await schemas.subjects(false)).toEqual(['a', 'b']);
    });

    it('tells schema types and references apart: the same text with other references is another schema', async () => {
      const { schemas } = await fresh();
      const text = 'syntax = "proto3"; message M { }';
      const plain = await schemas.register('p', { schemaType: 'PROTOBUF', schema: text, references: [] });
      const json = await schemas.register('p', { schemaType: 'JSON', schema: text, references: [] });
      const withRef = await schemas.register('p', { schemaType: 'PROTOBUF', schema: text, references: [{ name: 'x.proto', subject: 'x', version: 1 }] });
      expect(new Set([plain.version.id, json.version.id, withRef.version.id]).size).toBe(3);
      expect(await schemas.schemaById(withRef.version.id)).toEqual({
        id: withRef.version.id,
        schemaType: 'PROTOBUF',
        schema: text,
        references: [{ name: 'x.proto', subject: 'x', version: 1 }],
      });
      expect(await schemas.schemaById(999)).toBeUndefined();
    });

    it('soft delete flags a version, keeps its id resolvable, and a later version does not reuse its number', async () => {
      const { schemas } = await fresh();
      await schemas.register('s', avro(1));
      await schemas.register('s', avro(2));
      expect(await schemas.softDelete('s', 2)).toBe(true);
      expect(await schemas.softDelete('s', 2)).toBe(false);
      expect(await schemas.softDelete('s', 7)).toBe(false);
      expect((await schemas.versions('s')).map((v) => [v.version, v.deleted])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect((await schemas.schemaById(2))?.schema).toBe(avro(2).schema);
      // The deleted content registered again is a new version with its old id.
      const again = await schemas.register('s', avro(2));
      expect([again.created, again.version.version, again.version.id]).toEqual([true, 3, 2]);
    });

    it('lists a subject whose versions are all soft-deleted only when asked to; hard delete removes the version but not the id', async () => {
      const { schemas } = await fresh();
      await schemas.register('gone', avro(1));
      await schemas.register('kept', avro(2));
      await schemas.softDelete('gone', 1);
      expect(await schemas.subjects(false)).toEqual(['kept']);
      expect(await schemas.subjects(true)).toEqual(['gone', 'kept']);
      expect(await schemas.hardDelete('gone', 1)).toBe(true);
      expect(await schemas.hardDelete('gone', 1)).toBe(false);
      expect(await schemas.versions('gone')).toEqual([]);
      expect(await schemas.subjects(true)).toEqual(['kept']);
      expect((await schemas.schemaById(1))?.schema).toBe(avro(1).schema);
      // Ids are never reused, even for content first seen after a hard delete.
      expect((await schemas.register('new', avro(3))).version.id).toBe(3);
    });

    it('keeps compatibility levels per subject and registry-wide, and clears them', async () => {
      const { schemas } = await fresh();
      expect(await schemas.compatibility(null)).toBeUndefined();
      expect(await schemas.compatibility('s')).toBeUndefined();
      await schemas.setCompatibility(null, 'FULL');
      await schemas.setCompatibility('s', 'NONE');
      await schemas.setCompatibility('s', 'FORWARD_TRANSITIVE');
      expect(await schemas.compatibility(null)).toBe('FULL');
      expect(await schemas.compatibility('s')).toBe('FORWARD_TRANSITIVE');
      await schemas.setCompatibility('s', null);
      expect(await schemas.compatibility('s')).toBeUndefined();
      expect(await schemas.compatibility(null)).toBe('FULL');
    });

    it('keeps subjects, versions, ids, deletions and levels across a reopen, and goes on numbering after them', async () => {
      const { factory, store, schemas } = await fresh();
      await schemas.register('a', avro(1));
      await schemas.register('a', avro(2));
      await schemas.softDelete('a', 1);
      await schemas.setCompatibility('a', 'NONE');
      const again = await reopen(factory, store);
      expect((await again.versions('a')).map((v) => [v.version, v.id, v.deleted])).toEqual([
        [1, 1, true],
        [2, 2, false],
      ]);
      expect(await again.compatibility('a')).toBe('NONE');
      expect((await again.register('b', avro(2))).version.id).toBe(2);
      const next = await again.register('a', avro(3));
      expect([next.version.version, next.version.id]).toEqual([3, 3]);
    });
  });
}
