/**
 * A real full disk (issue 17): the gateway runs on a 4 MiB tmpfs mounted in a private mount
 * namespace (`unshare -m`, root only; the mount disappears with the process), most of which a
 * filler file takes. Produce until SQLite reports SQLITE_FULL: that produce answers 503
 * UNAVAILABLE with Retry-After, /readyz 503 with reason disk-full (a small commit, such as creating
 * a topic, does not change that, whether it still fits or not); deleting the filler (through
 * /proc/<pid>/root, the process's view of its mounts) brings both back without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestJson, tempDir } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';
import { startServerProcess } from '../helpers/process.js';

describe('disk full', () => {
  it('a produce that fills the disk answers 503 with Retry-After, /readyz says disk-full, and both recover when space returns', async () => {
    const dataDir = tempDir('logway-full-');
    const mountAndRun = `mount -t tmpfs -o size=4m tmpfs "$0" && dd if=/dev/zero of="$0/filler" bs=1k count=2560 2>/dev/null && exec "$@"`;
    const server = await startServerProcess(dataDir, {}, 30_000, ['unshare', '-m', '--propagation', 'private', 'sh', '-c', mountAndRun, dataDir]);
    expect((await requestJson(server.url + '/v1/topics', 'POST', { name: 't', partitions: 1 })).status).toBe(201);

    const batch = { records: Array.from({ length: 50 }, (_, i) => ({ value: `${i}-${'x'.repeat(4000)}` })) };
    let refused: Awaited<ReturnType<typeof requestJson>> | undefined;
    let acknowledged = 0;
    // 200 KB a request into ~1.4 MiB of free space: full within a few dozen requests.
    for (let i = 0; i < 100 && !refused; i++) {
      const res = await requestJson(server.url + '/v1/topics/t/records', 'POST', batch);
      if (res.status === 200) acknowledged += 50;
      else refused = res;
    }
    expect(refused, 'the disk filled up').toBeDefined();
    expectProblem(refused!, 503, 'UNAVAILABLE', /disk full/);
    expect(refused!.headers.get('retry-after')).toBe('5');
    const ready = await requestJson(server.url + '/readyz', 'GET');
    expectProblem(ready, 503, 'UNAVAILABLE', /disk full/);
    expect(ready.body.reason).toBe('disk-full');
    // A small commit does not make it ready, whether it still fits in the room the rolled-back append
    // left (201) or not (503): the checkpoint worker pauses once a commit failed for want of space,
    // but its checkpoints may have grown the database file into the last free pages before that, so
    // that the append failed on its first frame and left no room (4 runs in 6 on 2026-12-02).
    const small = await requestJson(server.url + '/v1/topics', 'POST', { name: 'small', partitions: 1 });
    if (small.status !== 201) expectProblem(small, 503, 'UNAVAILABLE', /disk full/);
    expect((await requestJson(server.url + '/readyz', 'GET')).body.reason).toBe('disk-full');
    // Everything acknowledged is there, and nothing of the refused request.
    const offsets = await requestJson(server.url + '/v1/topics/t/partitions/0/offsets?timestamp=0', 'GET');
    expect(offsets.body.latest).toBe(acknowledged);

    fs.rmSync(path.join(`/proc/${server.child.pid}/root`, dataDir, 'filler'));
    expect((await requestJson(server.url + '/readyz', 'GET')).status).toBe(200);
    const again = await requestJson(server.url + '/v1/topics/t/records', 'POST', { records: [{ value: 'room again' }] });
    expect(again.status).toBe(200);
    expect(again.body.records[0].offset).toBe(acknowledged);
  });
});
