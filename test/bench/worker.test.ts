/**
 * Client workers (bench/lib/worker.ts) carry the bench's many-connection loads in
 * their own process. These tests pin the command channel, and the long-poll worker
 * (bench/clients/long-polls.ts) against a real gateway: parked polls are all answered
 * by one produce, and tailers follow the log to its end; and the group-member worker
 * (bench/clients/group-members.ts): its members join, heartbeat until the group is stable, and leave.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ClientWorker, epochMs } from '../../bench/lib/worker.js';
import { startGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';

const workers: ClientWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

function start(script: string): ClientWorker {
  const w = ClientWorker.start(script);
  workers.push(w);
  return w;
}

describe('bench client workers', () => {
  it('answer each command with its handler\'s result', async () => {
    const w = start('test/bench/fixtures/busy-worker.ts');
    expect((await w.call('echo', { text: 'hi' })).echoed).toBe('hi');
  });

  it('turn a handler\'s error or an unknown command into a rejected call', async () => {
    const w = start('test/bench/fixtures/busy-worker.ts');
    await expect(w.call('fail')).rejects.toThrow('worker fail: asked to fail');
    await expect(w.call('nope')).rejects.toThrow('unknown command nope');
    expect((await w.call('echo', { text: 'still there' })).echoed).toBe('still there');
  });

  it('reject pending calls when the worker dies', async () => {
    const w = start('test/bench/fixtures/busy-worker.ts');
    await w.call('echo');
    const pending = w.call('burn', { cpuMs: 60_000 });
    process.kill(w.pid, 'SIGKILL');
    await expect(pending).rejects.toThrow(/exited/);
  });

  it('park long-polls that one produce answers, each with its arrival time', async () => {
    const { url, json } = await startGateway();
    expect((await json('POST', '/v1/topics', { name: 'p', partitions: 1 })).status).toBe(201);
    const w = start('bench/clients/long-polls.ts');
    await w.call('park', { url, topic: 'p', count: 20, offset: 0 });
    const sentAt = epochMs();
    expect((await json('POST', '/v1/topics/p/records', { records: [{ value: 'wake' }] })).status).toBe(200);
    const { woken, count } = (await w.call('waitWoken')) as unknown as { woken: number[]; count: number };
    expect(count).toBe(20);
    expect(woken).toHaveLength(20);
    // Arrival times are on the wall clock the parent reads too (the polls were answered after it sent).
    for (const at of woken) expect(at).toBeGreaterThan(sentAt - 1000);
  });

  it('tail with re-polling tailers that together read every record', async () => {
    const { url, json } = await startGateway();
    expect((await json('POST', '/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
    const w = start('bench/clients/long-polls.ts');
    await w.call('tail', { url, topic: 't', count: 5, from: 0 });
    for (let i = 0; i < 10; i++) await json('POST', '/v1/topics/t/records', { records: [{ value: i }] });
    // Every tailer must reach offset 10: wait until 5 x 10 records have arrived.
    let records = 0;
    for (let tries = 0; tries < 200 && records < 50; tries++) {
      const probe = (await w.call('progress')) as unknown as { records: number };
      records = probe.records;
      if (records < 50) await new Promise((r) => setTimeout(r, 25));
    }
    const done = (await w.call('stopTail')) as unknown as { answers: number; records: number; failure?: string };
    expect(done.failure).toBeUndefined();
    expect(done.records).toBe(50);
    expect(done.answers).toBeGreaterThanOrEqual(5);
  });

  it('run group members that join at once, see the group stable with one partition each, and leave', async () => {
    const { port, json } = await startGateway({ groupHeartbeatIntervalMs: 100 });
    expect((await json('POST', '/v1/topics', { name: 'j', partitions: 6 })).status).toBe(201);
    const w = start('bench/clients/group-members.ts');
    const joined = (await w.call('join', { host: '127.0.0.1', port, group: 'g', topic: 'j', count: 6 })) as unknown as {
      joinMs: number[];
      firstSentAt: number;
      lastSentAt: number;
    };
    expect(joined.joinMs).toHaveLength(6);
    expect(joined.lastSentAt).toBeGreaterThanOrEqual(joined.firstSentAt);
    // Seen by the members: each told one partition; the gateway agrees that the group is stable.
    const { at } = (await w.call('oneEach', { timeoutMs: 30_000 })) as unknown as { at?: number };
    expect(at).toBeGreaterThan(joined.firstSentAt);
    const d = await json('GET', '/v1/groups/g');
    expect(d.body.state).toBe('stable');
    expect(d.body.members.map((m: { assignment: unknown[] }) => m.assignment.length)).toEqual([1, 1, 1, 1, 1, 1]);
    // The joins alone may have told each member its one partition: heartbeats (every 100 ms) follow regardless.
    await until('a heartbeat is answered', async () => ((await w.call('heartbeats')) as unknown as { answered: number }).answered > 0);
    const stopped = (await w.call('stop', { leave: true })) as unknown as { heartbeatMs: number[]; failure?: string };
    expect(stopped.failure).toBeUndefined();
    expect(stopped.heartbeatMs.length).toBeGreaterThan(0);
    expect((await json('GET', '/v1/groups/g')).body.members).toEqual([]);
  });
});
