/**
 * Backups (issue 17): GET /v1/backup streams a consistent copy of the database taken while the
 * gateway serves (SQLite's online backup API, in steps with the event loop turning between them),
 * and `npm run backup` saves one after checking it. The copy opens as a store and holds the records;
 * produce requests sent during the backup are answered before it ends.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';
import { REPO_ROOT } from '../helpers/process.js';

const run = promisify(execFile);

/** Opens a backup file as a store of its own (the restore: the copy becomes logway.db). */
function restore(file: string) {
  const dir = tempDir('logway-restore-');
  fs.copyFileSync(file, path.join(dir, 'logway.db'));
  const store = openSqliteStore({ dataDir: dir, synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  return store;
}

/**
 * Asks for a backup until it is not refused as already running (the previous download's copy
 * closes just after its last byte is sent); the vitest timeout ends a wait that never would.
 */
async function backupOnceFree(url: string): Promise<Response> {
  for (;;) {
    const res = await fetch(`${url}/v1/backup`);
    if (res.status !== 503) {
      expect(res.status).toBe(200);
      return res;
    }
    await res.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('backup', () => {
  it('streams a consistent copy while produce requests keep being answered; the copy holds every record acknowledged before it; one backup at a time until its copy is streamed', async () => {
    // The real store, with its backup() telling the test when the copy starts and ends.
    const dataDir = tempDir();
    const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    const takeCopy = store.backup!.bind(store);
    let copying = false;
    let copyStarted!: () => void;
    const started = new Promise<void>((resolve) => (copyStarted = resolve));
    store.backup = async (destination) => {
      copying = true;
      copyStarted();
      try {
        await takeCopy(destination);
      } finally {
        copying = false;
      }
    };
    const { json, url } = await startGateway({}, { dataDir, store });
    expect((await json('POST', '/v1/topics', { name: 't', partitions: 2 })).status).toBe(201);
    // ~24 MB: a copy of 100-page (400 KiB) steps takes many turns of the event loop, and is more
    // than the loopback socket buffers hold, so its download waits for the client to read.
    const value = 'x'.repeat(1000);
    for (let i = 0; i < 24; i++) {
      const res = await json('POST', '/v1/topics/t/records', { records: Array.from({ length: 1000 }, (_, j) => ({ partition: j % 2, value: `${i}-${j}-${value}` })) });
      expect(res.status).toBe(200);
    }

    // Produce one record at a time for as long as the copy is being taken.
    const backup = fetch(`${url}/v1/backup`);
    await started;
    let acknowledgedDuring = 0;
    let produced = 0;
    while (copying) {
      const res = await json('POST', '/v1/topics/t/records', { records: [{ partition: 0, value: 'during' }] });
      expect(res.status).toBe(200);
      produced++;
      if (copying) acknowledgedDuring++;
    }
    // A copy that held the event loop (VACUUM INTO, one synchronous statement) would end before
    // any produce sent during it could be read: none answered while copying.
    expect(acknowledgedDuring, 'produce requests answered while the copy was being taken').toBeGreaterThan(0);
    const res = await backup;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.sqlite3');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="logway-.*\.db"$/);

    // Until this copy is read to its end, it takes room on the data disk: another backup is refused.
    const refused = await fetch(`${url}/v1/backup`);
    expectProblem({ status: refused.status, headers: refused.headers, body: await refused.json() }, 503, 'OVERLOADED', /already/);
    expect(refused.headers.get('retry-after')).toBe('5');

    const file = path.join(tempDir('logway-backup-'), 'copy.db');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    expect(fs.statSync(file).size).toBe(Number(res.headers.get('content-length')));
    // Nothing left behind in the data directory.
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('.backup-'))).toEqual([]);

    // Read to its end, the copy is closed and the next backup runs; a client that leaves half-way
    // frees it too.
    const next = await backupOnceFree(url);
    const reader = next.body!.getReader();
    await reader.read();
    await reader.cancel();
    await (await backupOnceFree(url)).body!.cancel();

    const copy = restore(file);
    const offsets = await copy.offsets('t');
    expect(offsets[1]!.highWatermark).toBe(12_000);
    // Partition 0 has the 12,000 records from before, and a prefix of those produced during: dense.
    expect(offsets[0]!.highWatermark).toBeGreaterThanOrEqual(12_000);
    expect(offsets[0]!.highWatermark).toBeLessThanOrEqual(12_000 + produced);
    const last = await copy.read('t', 1, 11_999, { maxRecords: 1, maxBytes: 1 << 20 });
    expect(String(last[0]!.value)).toContain('23-999-');
    // Three copies of 24 MB: room for a loaded machine (a limit on the run, not a timed assertion).
  }, 180_000);

  it('a copy left by a process that died while writing it is deleted when the store next opens the data directory', async () => {
    const dataDir = tempDir('logway-leftover-');
    await openSqliteStore({ dataDir, synchronous: 'NORMAL' }).close();
    // What a SIGKILL during store.backup() leaves: the named copy (and its journal).
    fs.writeFileSync(path.join(dataDir, '.backup-0b7c.db'), 'partial copy');
    fs.writeFileSync(path.join(dataDir, '.backup-0b7c.db-journal'), 'journal');
    fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'not ours');
    const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    onTestFinished(() => store.close());
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('.backup-'))).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'notes.txt'))).toBe(true);
  });

  it('npm run backup saves a checked copy', async () => {
    const { json, url } = await startGateway();
    expect((await json('POST', '/v1/topics', { name: 'kept', partitions: 1 })).status).toBe(201);
    expect((await json('POST', '/v1/topics/kept/records', { records: [{ value: { n: 1 } }, { value: { n: 2 } }] })).status).toBe(200);
    const out = path.join(tempDir('logway-backup-'), 'saved.db');
    const { stdout } = await run('npm', ['run', '--silent', 'backup', '--', '--url', url, '--out', out], { cwd: REPO_ROOT });
    expect(stdout).toContain(`${out}: `);
    const copy = restore(out);
    const records = await copy.read('kept', 0, 0, { maxRecords: 10, maxBytes: 1 << 20 });
    expect(records.map((r) => JSON.parse(String(r.value)))).toEqual([{ n: 1 }, { n: 2 }]);

  });
});
