/**
 * LogStore.snapshotLeases: the records of open snapshots (src/storage/snapshot-lease-store.ts), part of the
 * LogStore conformance suite. The store keeps them and nothing more: expiry is a time in the record that the
 * core judges (core/snapshot-leases.ts), so an expired record is answered like any other until it is deleted.
 */
import { describe, expect, it } from 'vitest';
import type { LogStore } from '../../src/storage/log-store.js';
import type { SnapshotLeaseRecord, StoredSnapshotLease } from '../../src/storage/snapshot-lease-store.js';

const ID = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'] as const;

function lease(id: string, topic: string, extra: Partial<SnapshotLeaseRecord> = {}): SnapshotLeaseRecord {
  return { id, topic, offsets: [3, 0, 7], expiresAt: Date.now() + 60_000, pages: [{ page: 0, partition: 0 }], ...extra };
}

const byId = (leases: SnapshotLeaseRecord[]) => [...leases].sort((a, b) => a.id.localeCompare(b.id));

/** The record as put, without the revision the store read it at. */
function withoutRevision(stored: StoredSnapshotLease | undefined): SnapshotLeaseRecord | undefined {
  if (!stored) return undefined;
  const { revision, ...record } = stored;
  expect(revision).toEqual(expect.any(Number));
  return record;
}

export function snapshotLeasesConformance(fresh: () => Promise<{ store: LogStore }>): void {
  /** A fresh store with these topics (leases are put under existing topics: a page checked the topic first). */
  async function withTopics(...names: string[]) {
    const { store } = await fresh();
    for (const name of names) await store.createTopic(name, 1, {});
    return { store };
  }

  describe('snapshot leases', () => {
    it('put, get (only under its topic), list by topic, put over, delete; topic names of any characters', async () => {
      // Characters a KV key or a subject could not hold as they are.
      const odd = 'orders.eu/α *>';
      const { store } = await withTopics('t', 'u', odd);
      const leases = store.snapshotLeases;
      await leases.put(lease(ID[0], 't'));
      await leases.put(lease(ID[1], 't', { offsets: [1] }));
      await leases.put(lease(ID[2], odd));
      expect(withoutRevision(await leases.get('t', ID[0]))).toEqual(lease(ID[0], 't', { expiresAt: expect.any(Number) as number }));
      expect(await leases.get('u', ID[0]), 'another topic').toBeUndefined();
      expect(await leases.get(odd, ID[2])).toMatchObject({ id: ID[2], topic: odd });
      expect(byId(await leases.list('t')).map((l) => [l.id, l.offsets])).toEqual([
        [ID[0], [3, 0, 7]],
        [ID[1], [1]],
      ]);
      expect((await leases.list(odd)).map((l) => l.id)).toEqual([ID[2]]);
      expect(await leases.list('t.')).toEqual([]);
      expect(await leases.list('nobody')).toEqual([]);

      // Written whole over the record with its id.
      const next = lease(ID[0], 't', {
        offsets: [4, 4, 8],
        expiresAt: 123,
        topicCreatedAt: 1_700_000_000_123,
        pages: [{ page: 5, partition: 2, afterKey: 'k' }, { page: 6, partition: 2 }],
      });
      await leases.put(next);
      expect(withoutRevision(await leases.get('t', ID[0]))).toEqual(next);

      await leases.delete('t', ID[0]);
      expect(await leases.get('t', ID[0])).toBeUndefined();
      expect((await leases.list('t')).map((l) => l.id)).toEqual([ID[1]]);
      // Deleting what is not there (gone already, or asked under another topic) changes nothing.
      await leases.delete('t', ID[0]);
      await leases.delete('u', ID[1]);
      expect((await leases.list('t')).map((l) => l.id)).toEqual([ID[1]]);
      await leases.delete(odd, ID[2]);
      expect(await leases.list(odd)).toEqual([]);
    });

    it("a topic's deletion forgets its leases (an abandoned snapshot's record would otherwise stay forever)", async () => {
      const { store } = await fresh();
      await store.createTopic('gone', 3, {});
      await store.createTopic('kept', 3, {});
      await store.snapshotLeases.put(lease(ID[0], 'gone'));
      await store.snapshotLeases.put(lease(ID[1], 'gone'));
      await store.snapshotLeases.put(lease(ID[2], 'kept'));
      await store.deleteTopic('gone');
      expect(await store.snapshotLeases.list('gone')).toEqual([]);
      expect(await store.snapshotLeases.get('gone', ID[0])).toBeUndefined();
      expect((await store.snapshotLeases.list('kept')).map((l) => l.id)).toEqual([ID[2]]);
      // Created again under its name: a new topic, none of the old one's leases.
      await store.createTopic('gone', 3, {});
      expect(await store.snapshotLeases.list('gone')).toEqual([]);
      expect(await store.snapshotLeases.get('gone', ID[0])).toBeUndefined();
    });

    it('a delete of the revision read removes that version only: a put since stays (a renewal racing the deletion of what was read as expired)', async () => {
      const { store } = await withTopics('t', 'u');
      const leases = store.snapshotLeases;
      await leases.put(lease(ID[0], 't', { expiresAt: 1 }));
      const read = (await leases.get('t', ID[0]))!;
      expect((await leases.list('t')).map((l) => l.revision), 'list reads the same version').toEqual([read.revision]);
      // Put again (renewed) before the delete of what was read.
      await leases.put(lease(ID[0], 't', { expiresAt: 2 }));
      await leases.delete('t', ID[0], read.revision);
      const renewed = (await leases.get('t', ID[0]))!;
      expect(renewed).toMatchObject({ expiresAt: 2 });
      expect(renewed.revision).toBeGreaterThan(read.revision);
      expect((await leases.list('t')).map((l) => l.expiresAt)).toEqual([2]);

      // Deleted whole and put again under the same id: a new version too.
      await leases.delete('t', ID[0]);
      await leases.put(lease(ID[0], 't', { expiresAt: 3 }));
      await leases.delete('t', ID[0], renewed.revision);
      expect(await leases.get('t', ID[0])).toMatchObject({ expiresAt: 3 });

      // The version read is removed, as an unversioned delete would (another topic's asked for: nothing).
      const latest = (await leases.get('t', ID[0]))!;
      await leases.delete('u', ID[0], latest.revision);
      expect(await leases.get('t', ID[0])).toBeDefined();
      await leases.delete('t', ID[0], latest.revision);
      expect(await leases.get('t', ID[0])).toBeUndefined();
      expect(await leases.list('t')).toEqual([]);
    });

    it('page positions keep text and binary keys apart, whatever their bytes', async () => {
      const { store } = await withTopics('t');
      const pages = [
        { page: 1, partition: 0, afterKey: 'aGk=' },
        { page: 2, partition: 1, afterKey: new Uint8Array([0x68, 0x69]) },
        { page: 3, partition: 1, afterKey: new Uint8Array([0, 255, 10]) },
        { page: 4, partition: 2, afterKey: '' },
        { page: 5, partition: 3 },
      ];
      await store.snapshotLeases.put(lease(ID[0], 't', { pages }));
      const back = (await store.snapshotLeases.get('t', ID[0]))!.pages;
      expect(back).toEqual(pages);
      expect(back.map((p) => (p.afterKey instanceof Uint8Array ? 'bytes' : typeof p.afterKey))).toEqual(['string', 'bytes', 'bytes', 'string', 'undefined']);
    });

    it('never judges expiry: a record whose time has passed is answered and listed until deleted', async () => {
      const { store } = await withTopics('t');
      await store.snapshotLeases.put(lease(ID[0], 't', { expiresAt: 1 }));
      expect(await store.snapshotLeases.get('t', ID[0])).toMatchObject({ expiresAt: 1 });
      expect((await store.snapshotLeases.list('t')).map((l) => l.expiresAt)).toEqual([1]);
    });
  });
}
