/**
 * What waking parked consumer-group polls costs the core, without HTTP: `members` groups of one member
 * each (independent consumers of one topic) long-poll its partition through the GroupCoordinator on a
 * real SQLite store (synchronous FULL); one single-record produce wakes them all. Per round: the time from
 * the produce's call to the last poll answered, and the process's CPU over it, per woken poll. Compare two
 * commits by running it on each, alternating (docs/performance.md, "Woken group polls").
 *
 * Usage: npx tsx bench/probes/group-wake.ts [members=1000] [rounds=8]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { GroupCoordinator } from '../../src/core/groups.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

const members = Number(process.argv[2] ?? 1_000);
const rounds = Number(process.argv[3] ?? 8);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-group-wake-'));
const store = openSqliteStore({ dataDir: dir, synchronous: 'FULL' });
const notifier = new Notifier();
const log = new Log(store, notifier, { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 1, maxRecordBytes: 1_000_000, idempotencyWindowMs: 60_000 }, systemClock);
const groups = new GroupCoordinator({
  store,
  log,
  notifier,
  clock: systemClock,
  settings: {
    groupSessionTimeoutMs: 600_000,
    groupMinSessionTimeoutMs: 100,
    groupMaxSessionTimeoutMs: 600_000,
    groupHeartbeatIntervalMs: 10_000,
    groupMaxMembers: 10,
    groupMaxGroups: members + 10,
    groupSessionCheckIntervalMs: 3_600_000,
  },
});
await groups.start();
await log.createTopic('t', 1);
const joined = [];
for (let i = 0; i < members; i++) joined.push({ group: `g${i}`, memberId: (await groups.join(`g${i}`, { topics: ['t'], autoOffsetReset: 'latest' })).memberId });

const value = JSON.stringify({ pad: 'x'.repeat(180) });
const wallMs: number[] = [];
const cpuUs: number[] = [];
for (let round = 0; round < rounds; round++) {
  const polls = joined.map((m) => groups.poll(m.group, m.memberId, { maxRecords: 100, maxBytes: 1 << 20, waitMs: 60_000 }));
  while (notifier.waiting < members) await new Promise((r) => setTimeout(r, 5));
  const cpu = process.cpuUsage();
  const started = performance.now();
  await log.produce('t', [{ key: null, value, headers: null }]);
  const answers = await Promise.all(polls);
  wallMs.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  cpuUs.push(used.user + used.system);
  if (answers.some((a) => a.recordCount !== 1)) throw new Error('a poll was not answered with the one record');
}
await groups.stop();
store.close();
fs.rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `${members} parked group polls, one produce, ${rounds} rounds: wake-up of all ${median(wallMs).toFixed(1)} ms (median; ` +
    `${wallMs.map((m) => m.toFixed(0)).join(', ')}), CPU ${(median(cpuUs) / members).toFixed(1)} µs per woken poll (median), the produce included`,
);
