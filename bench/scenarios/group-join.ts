/**
 * Group join: N REST members join one group at once, on a topic of N partitions, then
 * each heartbeats at the interval the gateway suggests (set to 500 ms here, so that
 * the few heartbeats an incremental rebalance needs fit in the target), listing the
 * partitions it was last given, and asking to wait up to an interval for news when it only
 * waits for partitions other members are releasing (heartbeat's waitMs). Measured: each
 * join's latency, and the time from the first join until the group describes itself as
 * stable with all N members.
 */
import http from 'node:http';
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { hasConsumerGroups } from '../lib/features.js';
import { startGatewayFor } from '../lib/gateway.js';
import { newHistogram, recordMs, summarize } from '../lib/histogram.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, requestJson } from '../lib/rest.js';

const HEARTBEAT_MS = 500;
const TARGET_STABLE_SEC = 3;
const TARGET_JOIN_P99_MS = 1000;

interface TopicPartition {
  topic: string;
  partition: number;
}

function call<T>(agent: http.Agent, url: string, method: string, body?: unknown): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, agent, headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const s = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: (s ? JSON.parse(s) : undefined) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

export async function groupJoin(ctx: BenchContext): Promise<ScenarioRow[]> {
  const members = ctx.sizes.groupJoinMembers;
  const name = `group-join: ${members.toLocaleString('en-US')} REST members join at once, ${members.toLocaleString('en-US')} partitions`;
  const gateway = await startGatewayFor(ctx, 'group-join', { groupHeartbeatIntervalMs: HEARTBEAT_MS, groupMaxMembers: Math.max(members, 1000) });
  // A timeout of its own makes the agent honour the server's Keep-Alive hint (see bench/clients/long-polls.ts).
  const agent = new http.Agent({ keepAlive: true, maxSockets: members, timeout: 600_000 });
  let running = true;
  try {
    if (!(await hasConsumerGroups(gateway.url))) return [{ scenario: name, skipped: 'consumer groups are not served yet' }];
    await createTopic(gateway.url, 'joined', members);
    const joins = newHistogram();
    const heartbeats = newHistogram();
    let failure: unknown;
    const base = `${gateway.url}/v1/groups/bench`;

    const member = async () => {
      const t = performance.now();
      const joined = await call<{ memberId: string; memberEpoch: number; assignment: TopicPartition[]; heartbeatIntervalMs: number }>(agent, `${base}/members`, 'POST', {
        topics: ['joined'],
      });
      if (joined.status !== 201) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
      recordMs(joins, performance.now() - t);
      let { memberEpoch, assignment } = joined.body;
      const interval = joined.body.heartbeatIntervalMs;
      while (running) {
        await new Promise((r) => setTimeout(r, interval));
        if (!running) break;
        const h = performance.now();
        const hb = await call<{ memberEpoch: number; assignment: TopicPartition[] }>(agent, `${base}/members/${joined.body.memberId}/heartbeat`, 'POST', {
          memberEpoch,
          ownedPartitions: assignment,
          // While it only waits for partitions others release, answered when they are (or after an interval).
          waitMs: interval,
        });
        if (hb.status !== 200) throw new Error(`heartbeat: ${hb.status} ${JSON.stringify(hb.body)}`);
        recordMs(heartbeats, performance.now() - h);
        ({ memberEpoch, assignment } = hb.body);
      }
    };

    gateway.rss.reset();
    const clients = new CpuMeter([process.pid]);
    const started = performance.now();
    const all = Promise.all(
      Array.from({ length: members }, () =>
        member().catch((err: unknown) => {
          failure ??= err;
        }),
      ),
    );
    const timeoutSec = ctx.quick ? 60 : 120;
    let stableSec: number | undefined;
    const describeErrors: string[] = [];
    while (failure === undefined && (performance.now() - started) / 1000 < timeoutSec) {
      // A describe the busy gateway drops is retried, not fatal: the members' own calls are what is measured.
      const d = await requestJson<{ state: string; members: unknown[] }>(base, 'GET').catch((err: unknown) => {
        describeErrors.push(err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err));
        return undefined;
      });
      if (d?.status === 200 && d.body.state === 'stable' && d.body.members.length === members) {
        stableSec = (performance.now() - started) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const cpuCores = gateway.rss.cpuCores();
    const clientCpuCores = clients.cores();
    const peakRssMiB = gateway.rss.peakMiB();
    running = false;
    await all;
    if (failure !== undefined) throw failure;
    const join = summarize(joins);
    return [
      {
        scenario: `${name}: until stable`,
        throughput: stableSec,
        unit: 's until stable',
        latencyOf: 'heartbeat',
        latency: summarize(heartbeats),
        peakRssMiB,
        cpuCores,
        clientCpuCores,
        target: `stable <= ${TARGET_STABLE_SEC} s`,
        met: stableSec !== undefined && stableSec <= TARGET_STABLE_SEC,
        notes:
          stableSec === undefined
            ? `not stable within ${timeoutSec} s`
            : `stable ${stableSec.toFixed(2)} s after the joins began (heartbeats every ${HEARTBEAT_MS} ms)` +
              (describeErrors.length ? `; ${describeErrors.length} describe calls failed (${describeErrors[0]})` : ''),
      },
      {
        scenario: `${name}: joins`,
        latencyOf: 'join request',
        latency: join,
        cpuCores,
        clientCpuCores,
        target: `p99 <= ${TARGET_JOIN_P99_MS} ms`,
        met: join.p99Ms <= TARGET_JOIN_P99_MS,
      },
    ];
  } finally {
    running = false;
    agent.destroy();
    await gateway.dispose();
  }
}
