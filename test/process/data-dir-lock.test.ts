/**
 * One gateway per data directory (issue 17): a second real process on the same directory
 * refuses to start, naming the directory and the holder's pid, and the first keeps serving;
 * a SIGKILLed holder leaves no stale lock (the kernel drops its POSIX locks).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestJson, tempDir } from '../helpers/gateway.js';
import { spawnMain, startServerProcess, watch } from '../helpers/process.js';

/** Runs a second server on `dataDir` to its exit. */
async function secondServer(dataDir: string) {
  const child = spawnMain({ LOGWAY_HOST: '127.0.0.1', LOGWAY_PORT: '0', LOGWAY_DATA_DIR: dataDir });
  const { output, exited } = watch(child);
  const exit = await exited;
  return { ...exit, ...output() };
}

describe('data directory lock', () => {
  it('a second gateway on the same directory refuses to start, naming it and the holder pid; the first keeps serving', async () => {
    const dataDir = tempDir('logway-lock-');
    const first = await startServerProcess(dataDir);
    expect((await requestJson(first.url + '/v1/topics', 'POST', { name: 'held', partitions: 1 })).status).toBe(201);

    const second = await secondServer(dataDir);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`data directory ${path.resolve(dataDir)} is in use by another Logway gateway (pid ${first.child.pid})`);
    expect(second.stdout, 'the refused gateway never listened').not.toContain('logway listening');

    // The holder is untouched: it still reads and writes its data.
    expect((await requestJson(first.url + '/readyz', 'GET')).status).toBe(200);
    const produced = await requestJson(first.url + '/v1/topics/held/records', 'POST', { records: [{ value: 'still mine' }] });
    expect(produced.status).toBe(200);
    expect(produced.body.records[0].offset).toBe(0);
  });

  it('a SIGKILLed holder leaves no stale lock: the next gateway starts on the directory and finds its data', async () => {
    const dataDir = tempDir('logway-lock-');
    const first = await startServerProcess(dataDir);
    expect((await requestJson(first.url + '/v1/topics', 'POST', { name: 'survivor', partitions: 1 })).status).toBe(201);
    expect((await requestJson(first.url + '/v1/topics/survivor/records', 'POST', { records: [{ value: 1 }] })).status).toBe(200);
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const next = await startServerProcess(dataDir);
    const fetched = await requestJson(next.url + '/v1/topics/survivor/partitions/0/records?offset=0', 'GET');
    expect(fetched.status).toBe(200);
    expect(fetched.body.records.map((r: { value: unknown }) => r.value)).toEqual([1]);
    // And it holds the lock in turn.
    expect((await secondServer(dataDir)).stderr).toContain(`(pid ${next.child.pid})`);
  });

  it('a gateway stopped with SIGTERM releases the directory for the next one', async () => {
    const dataDir = tempDir('logway-lock-');
    const first = await startServerProcess(dataDir);
    first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const next = await startServerProcess(dataDir);
    expect((await requestJson(next.url + '/readyz', 'GET')).status).toBe(200);
  });
});
