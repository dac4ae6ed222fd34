/**
 * NATS JetStream, the peer (bench/peers/nats.ts): the same work as three gateway rows of this
 * run, nats-server on the same server core, each shown as the Logway/JetStream ratio:
 * - publishes of 200-byte messages, 50 publishers with 10 awaiting acknowledgement each, over
 *   4 connections (100 each was slower: 2,400 vs 4,000 a second in one busy run), vs batched produce (100 x 200 B records per request, 50 connections);
 * - publishes one at a time, 50 publishers over 4 connections, vs single-record produce;
 * - an ordered consumer reading the first stream from its start, vs WebSocket catch-up.
 * The client is the official JavaScript one, in the bench process: each row shows its CPU, and a
 * note says when it was near a full core (the row is then the client's figure, not the server's).
 * JetStream here acknowledges before fsync (nats-server 2.9; see the peer's header).
 */
import type { BenchContext } from '../lib/context.js';
import type { ScenarioRow } from '../lib/report.js';
import { createStream, natsMissing, publishLoad, readLoad, startNats, type NatsLoadResult } from '../peers/nats.js';

/** The goals, as for Redis: Logway at these multiples of the peer. */
const GOAL = { batched: 1.5, single: 1.0, catchUp: 1.5 };
const CONNECTIONS = 4;
const IN_FLIGHT = 10;
/** A client above this many cores is taken as the bound of its row. */
const CLIENT_BOUND_CORES = 0.85;

/** CPU microseconds per message of a side that used `cores` at `perSec` messages a second. */
function perMessageUs(cores: number | undefined, perSec: number): string {
  return cores === undefined ? '-' : ((cores * 1e6) / perSec).toFixed(1);
}

export async function peerNats(ctx: BenchContext): Promise<ScenarioRow[]> {
  const name = 'peer: NATS JetStream';
  if (ctx.quick) return [{ scenario: name, skipped: 'peers are not run in --quick' }];
  const missing = natsMissing();
  if (missing) return [{ scenario: name, skipped: missing }];
  const { peerNatsBatched, peerNatsSingle } = ctx.sizes;

  const row = (label: string, result: NatsLoadResult, logway: number | undefined, goal: number, latencyOf: string): ScenarioRow => {
    const ratio = logway === undefined ? undefined : logway / result.messagesPerSec;
    const clientBound = (result.clientCpuCores ?? 0) >= CLIENT_BOUND_CORES;
    return {
      scenario: `${name}: ${label}`,
      throughput: result.messagesPerSec,
      unit: 'records/s',
      latencyOf,
      latency: result.latency,
      cpuCores: result.serverCpuCores,
      clientCpuCores: result.clientCpuCores,
      floor: logway === undefined ? undefined : { name: 'Logway', value: logway },
      ratio,
      ratioText: ratio === undefined ? 'run its Logway scenario for the ratio' : `Logway/JetStream ${ratio.toFixed(2)}x`,
      target: `Logway >= ${goal}x`,
      met: ratio === undefined ? undefined : ratio >= goal,
      notes:
        `CPU per message: nats-server ${perMessageUs(result.serverCpuCores, result.messagesPerSec)} us, the JavaScript client ${perMessageUs(result.clientCpuCores, result.messagesPerSec)} us` +
        (clientBound ? `; CLIENT-BOUND (client ${result.clientCpuCores!.toFixed(2)} cores): JetStream's capacity is above this row` : '') +
        '; acknowledged before fsync (nats-server 2.9 has no per-write sync)',
    };
  };

  const rows: ScenarioRow[] = [];
  const nats = await startNats();
  try {
    await createStream(nats, 'BATCHED', 'batched');
    await createStream(nats, 'SINGLE', 'single');
    ctx.progress(`peer nats: publish, ${IN_FLIGHT} in flight x 50, ${peerNatsBatched.toLocaleString('en-US')} messages`);
    const batched = await publishLoad(nats, { subject: 'batched', total: peerNatsBatched, publishers: 50, inFlight: IN_FLIGHT, connections: CONNECTIONS });
    rows.push(row(`publish, ${IN_FLIGHT} awaiting ack x 50 publishers, ${CONNECTIONS} connections (vs batched produce)`, batched, ctx.figures.produceBatched, GOAL.batched, 'publish -> ack'));
    ctx.progress(`peer nats: publish one at a time x 50, ${peerNatsSingle.toLocaleString('en-US')} messages`);
    const single = await publishLoad(nats, { subject: 'single', total: peerNatsSingle, publishers: 50, inFlight: 1, connections: CONNECTIONS });
    rows.push(row(`publish, one at a time x 50 publishers, ${CONNECTIONS} connections (vs single-record produce)`, single, ctx.figures.produceSingle, GOAL.single, 'publish -> ack'));
    const total = Math.min(peerNatsBatched, ctx.sizes.catchUpRecords);
    ctx.progress(`peer nats: ordered consumer, ${total.toLocaleString('en-US')} messages`);
    const read = await readLoad(nats, { stream: 'BATCHED', total });
    rows.push(row(`ordered consumer from the start, 1 reader (vs WebSocket catch-up)`, read, ctx.figures.wsCatchUp, GOAL.catchUp, 'gap per 10,000'));
    return rows;
  } finally {
    await nats.stop();
  }
}
