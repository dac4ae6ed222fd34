/**
 * Readiness that tells the truth (issue 17): when the store cannot commit (a read-only file or
 * folder, a full disk, an I/O error) /readyz answers 503 saying why, and writes answer 503
 * UNAVAILABLE with Retry-After, never 500; when the cause goes, both recover.
 *
 * Real files: tests run as root, which ignores file modes, so a file is made read-only with
 * `chattr +i` (immutable: the kernel refuses writes to it even from root, also through a
 * descriptor opened before, which is how SQLite meets it while running). Other failures come
 * from a real store whose commits fail with SQLite's raw errors, below the store's own translation
 * (test/helpers/failing-store.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { failingStore } from '../helpers/failing-store.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';

/** Makes `file` immutable until the test ends (removing the flag before the temp dir goes). */
function makeImmutable(file: string): () => void {
  try {
    execFileSync('chattr', ['+i', file]);
  } catch (err) {
    throw new Error(`this test needs chattr +i (root, on ext4 or another file system with attributes): ${String(err)}`, { cause: err });
  }
  const undo = () => execFileSync('chattr', ['-i', file]);
  onTestFinished(() => {
    if (fs.existsSync(file) && execFileSync('lsattr', ['-d', file]).toString().split(' ')[0]!.includes('i')) undo();
  });
  return undo;
}

describe('store failures: readiness and writes', () => {
  it('a database file made read-only while running: /readyz 503 saying why, produce 503 with Retry-After; both recover', async () => {
    const { json, dataDir } = await startGateway();
    expect((await json('POST', '/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
    expect((await json('POST', '/v1/topics/t/records', { records: [{ value: 1 }] })).status).toBe(200);

    // Commits go to the WAL: SQLite holds it open, and the kernel now refuses its writes.
    const undo = makeImmutable(path.join(dataDir, 'logway.db-wal'));
    const ready = await json('GET', '/readyz');
    expectProblem(ready, 503, 'UNAVAILABLE', /cannot commit: I\/O error/);
    expect(ready.body.reason).toBe('io-error');
    const produced = await json('POST', '/v1/topics/t/records', { records: [{ value: 2 }] });
    expectProblem(produced, 503, 'UNAVAILABLE', /cannot commit/);
    expect(produced.headers.get('retry-after')).toBe('5');
    expectProblem(await json('POST', '/v1/topics', { name: 'u', partitions: 1 }), 503, 'UNAVAILABLE');
    expect((await json('GET', '/healthz')).status, 'alive, only not ready').toBe(200);
    // Reads still work, and nothing of the refused produce is there.
    const fetched = await json('GET', '/v1/topics/t/partitions/0/records?offset=0');
    expect(fetched.body.records.map((r: { value: unknown }) => r.value)).toEqual([1]);

    undo();
    expect((await json('GET', '/readyz')).status).toBe(200);
    const again = await json('POST', '/v1/topics/t/records', { records: [{ value: 3 }] });
    expect(again.status).toBe(200);
    expect(again.body.records[0].offset, 'offsets stay dense after the refused commit').toBe(1);
  });

  it('credential writes on a database that cannot commit answer 503 too (a key made or revoked), and recover', async () => {
    const admin = { authorization: 'Bearer store-failures-admin-key-0123' };
    const { json, dataDir } = await startGateway({ adminKey: 'store-failures-admin-key-0123' });
    const made = await json('POST', '/v1/keys', { name: 'kept', permissions: [] }, admin);
    expect(made.status).toBe(201);
    const undo = makeImmutable(path.join(dataDir, 'logway.db-wal'));
    const refused = await json('POST', '/v1/keys', { name: 'refused', permissions: [] }, admin);
    expectProblem(refused, 503, 'UNAVAILABLE', /cannot commit/);
    expect(refused.headers.get('retry-after')).toBe('5');
    expectProblem(await json('DELETE', `/v1/keys/${made.body.id}`, undefined, admin), 503, 'UNAVAILABLE');
    undo();
    const listed = await json('GET', '/v1/keys', undefined, admin);
    expect(listed.body.keys.map((k: { name: string }) => k.name), 'the refused key was not stored').toEqual(['kept']);
    expect((await json('DELETE', `/v1/keys/${made.body.id}`, undefined, admin)).status).toBe(204);
  });

  it('a read-only database file stops start-up with its path and the fix', async () => {
    const dataDir = tempDir();
    const first = await startGateway({}, { dataDir, keep: true });
    await first.gateway.close();
    makeImmutable(path.join(dataDir, 'logway.db'));
    const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir } });
    await expect(createGateway(config)).rejects.toThrow(
      new RegExp(`^cannot open ${path.join(dataDir, 'logway.db')}: read-only: .*; fix: make ${dataDir} and the files in it writable by the gateway's user \\(the gateway runs as uid \\d+\\)`),
    );
    // It let go of the directory: once writable, the next start works.
    execFileSync('chattr', ['-i', path.join(dataDir, 'logway.db')]);
    await startGateway({}, { dataDir });
  });

  it('a read-only data folder stops start-up with its path and the fix', async () => {
    const dataDir = tempDir();
    makeImmutable(dataDir);
    const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir } });
    await expect(createGateway(config)).rejects.toThrow(new RegExp(`^cannot open ${path.join(dataDir, 'logway.lock')}: read-only: .*; fix: make ${dataDir} `));
  });

  it('a file that is not a SQLite database stops start-up with its path and the fix', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'logway.db'), 'this is not a database, but it is long enough to have a header.'.repeat(20));
    const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir } });
    await expect(createGateway(config)).rejects.toThrow(
      `cannot open ${path.join(dataDir, 'logway.db')}: damaged, or not a SQLite database (SQLITE_NOTADB); fix: restore it from a backup`,
    );
  });

  it.each([
    ['SQLITE_FULL', 'disk-full', /disk full/],
    ['SQLITE_IOERR_FSYNC', 'io-error', /I\/O error/],
    ['SQLITE_READONLY', 'read-only', /read-only/],
  ] as const)('commits failing with %s: /readyz 503 (%s), every kind of write 503 with Retry-After, nothing changed; then recovery', async (code, reason, detail) => {
    const failing = failingStore(tempDir());
    const { json } = await startGateway({}, { store: failing.store });
    expect((await json('POST', '/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
    const joined = await json('POST', '/v1/groups/g/members', { topics: ['t'] });
    expect(joined.status).toBe(201);

    failing.failWith(code);
    const ready = await json('GET', '/readyz');
    expectProblem(ready, 503, 'UNAVAILABLE', detail);
    expect(ready.body.reason).toBe(reason);
    const writes = [
      await json('POST', '/v1/topics/t/records', { records: [{ value: 1 }] }),
      await json('POST', '/v1/topics', { name: 'u', partitions: 1 }),
      await json('PATCH', '/v1/topics/t', { partitions: 2 }),
      await json('DELETE', '/v1/topics/t'),
      await json('POST', '/v1/groups/g/offsets', { memberId: joined.body.memberId, memberEpoch: joined.body.memberEpoch, offsets: [{ topic: 't', partition: 0, offset: 0 }] }),
    ];
    for (const res of writes) {
      expectProblem(res, 503, 'UNAVAILABLE', detail);
      expect(res.headers.get('retry-after')).toBe('5');
    }

    failing.failWith(undefined);
    const topic = await json('GET', '/v1/topics/t');
    expect(topic.body.partitions, 'the refused PATCH changed nothing').toBe(1);
    expect(topic.body.partitionOffsets[0].highWatermark, 'the refused produce stored nothing').toBe(0);
    // After a full disk the store stays unready until free space grows or an append commits again.
    expect((await json('POST', '/v1/topics/t/records', { records: [{ value: 1 }] })).status).toBe(200);
    expect((await json('GET', '/readyz')).status).toBe(200);
  });
});
