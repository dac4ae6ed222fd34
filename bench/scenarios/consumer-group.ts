/**
 * Consumer group: 4 REST members join one group on a 12-partition topic holding R
 * records and drain it, each looping poll -> commit the poll's nextOffsets, with a
 * heartbeat every 200 ms (which is also how partitions move to members that join
 * later). Ends when the group's commits reach every partition's high watermark.
 * Rate = R / time from the first join; latency = poll requests. Shown against the
 * read floor for scale (no target is set for it).
 */
import http from 'node:http';
import { startGateway } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { hasConsumerGroups } from '../lib/features.js';
import { newHistogram, recordMs, summarize } from '../lib/histogram.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, fillTopic, highWatermarks } from '../lib/rest.js';

interface TopicPartition {
  topic: string;
  partition: number;
}

const HEARTBEAT_MS = 200;
const POLL_LIMIT = 1000;

export async function consumerGroup(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { groupPartitions: partitions, groupMembers: members, groupRecords: total } = ctx.sizes;
  const name = `consumer group: ${members} REST members, ${partitions} partitions`;
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label: 'consumer-group' });
  // A timeout of its own makes the agent honour the server's Keep-Alive hint (see bench/clients/long-polls.ts).
  const agent = new http.Agent({ keepAlive: true, maxSockets: members * 2, timeout: 600_000 });
  try {
    if (!(await hasConsumerGroups(gateway.url))) {
      return [{ scenario: name, skipped: 'consumer groups are not served yet' }];
    }
    await createTopic(gateway.url, 'bench', partitions);
    ctx.progress(`consumer-group: filling ${total} records`);
    await fillTopic(gateway.url, 'bench', total);
    const hw = await highWatermarks(gateway.url, 'bench');

    const call = <T>(method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; body: T }>((resolve, reject) => {
        const text = body === undefined ? undefined : JSON.stringify(body);
        const req = http.request(
          `${gateway.url}${path}`,
          { method, agent, headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const s = Buffer.concat(chunks).toString();
              resolve({ status: res.statusCode ?? 0, body: (s ? JSON.parse(s) : undefined) as T });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(text);
      });

    const committed = new Array<number>(partitions).fill(0);
    const drained = () => committed.every((c, p) => c >= hw[p]!);
    const polls = newHistogram();
    let consumed = 0;

    gateway.rss.reset();
    const started = performance.now();
    const member = async () => {
      const joined = await call<{ memberId: string; memberEpoch: number; assignment: TopicPartition[] }>(
        'POST',
        '/v1/groups/bench/members',
        { topics: ['bench'], autoOffsetReset: 'earliest' },
      );
      if (joined.status !== 201) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
      const id = joined.body.memberId;
      let epoch = joined.body.memberEpoch;
      let owned = joined.body.assignment;
      let lastHeartbeat = performance.now();
      while (!drained()) {
        if (performance.now() - lastHeartbeat >= HEARTBEAT_MS) {
          lastHeartbeat = performance.now();
          const hb = await call<{ memberEpoch: number; assignment: TopicPartition[] }>(
            'POST',
            `/v1/groups/bench/members/${id}/heartbeat`,
            { memberEpoch: epoch, ownedPartitions: owned },
          );
          if (hb.status !== 200) throw new Error(`heartbeat: ${hb.status} ${JSON.stringify(hb.body)}`);
          // The poll below answers with the same epoch and assignment.
          owned = hb.body.assignment;
        }
        const t = performance.now();
        const poll = await call<{ records: unknown[]; memberEpoch: number; assignment: TopicPartition[]; nextOffsets: (TopicPartition & { offset: number })[] }>(
          'GET',
          `/v1/groups/bench/members/${id}/records?limit=${POLL_LIMIT}&waitMs=${owned.length ? 0 : 50}`,
        );
        if (poll.status !== 200) throw new Error(`poll: ${poll.status} ${JSON.stringify(poll.body)}`);
        recordMs(polls, performance.now() - t);
        epoch = poll.body.memberEpoch;
        owned = poll.body.assignment;
        if (poll.body.records.length === 0) continue;
        consumed += poll.body.records.length;
        const commit = await call('POST', '/v1/groups/bench/offsets', { memberId: id, memberEpoch: epoch, offsets: poll.body.nextOffsets });
        // 409: a partition moved away between the poll and the commit; its next owner re-reads it.
        if (commit.status === 200) {
          for (const o of poll.body.nextOffsets) committed[o.partition] = Math.max(committed[o.partition]!, o.offset);
        } else if (commit.status !== 409) {
          throw new Error(`commit: ${commit.status} ${JSON.stringify(commit.body)}`);
        }
      }
      await call('DELETE', `/v1/groups/bench/members/${id}`);
    };
    await Promise.all(Array.from({ length: members }, member));
    const seconds = (performance.now() - started) / 1000;
    return [
      {
        scenario: name,
        throughput: total / seconds,
        unit: 'records/s',
        latencyOf: `poll (limit ${POLL_LIMIT})`,
        latency: summarize(polls),
        peakRssMiB: gateway.rss.peakMiB(),
        cpuCores: gateway.rss.cpuCores(),
        floor: { name: 'read', value: ctx.floors.read!.rowsPerSec },
        ratio: total / seconds / ctx.floors.read!.rowsPerSec,
        notes: `${consumed.toLocaleString('en-US')} records polled for ${total.toLocaleString('en-US')} produced (re-reads after partitions moved are at-least-once)`,
      },
    ];
  } finally {
    agent.destroy();
    await gateway.dispose();
  }
}
