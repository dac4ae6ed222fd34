/**
 * The Redis peer (bench/peers/redis.ts): reading redis-benchmark's CSV, and a real
 * redis-server with appendfsync always driven by redis-benchmark, when Debian's
 * redis-server and redis-tools are installed (the bench skips the peer otherwise).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pinned } from '../../bench/lib/pinning.js';
import { createStream, natsMissing, publishLoad, readLoad, startNats } from '../../bench/peers/nats.js';
import { parseRedisBenchmarkCsv, redisBenchmark, redisMissing, startRedis } from '../../bench/peers/redis.js';

describe('bench peers', () => {
  it('read rps and latencies from redis-benchmark --csv by column name', () => {
    const csv = [
      '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
      '"XADD s * v xx","87032.20","40.711","1.912","32.735","110.591","151.423","151.935"',
      '',
    ].join('\n');
    expect(parseRedisBenchmarkCsv(csv)).toEqual({ requestsPerSec: 87032.2, p50Ms: 32.735, p99Ms: 151.423 });
  });

  it('refuse output without the figures rather than report 0', () => {
    expect(() => parseRedisBenchmarkCsv('')).toThrow(/no rps/);
    expect(() => parseRedisBenchmarkCsv('"test","rps"\n"XADD","n/a"')).toThrow(/no rps/);
  });

  it('run a command on given cores through taskset, or as is', () => {
    expect(pinned('0', '/usr/bin/redis-server', ['--port', '1'])).toEqual(['taskset', ['-c', '0', '/usr/bin/redis-server', '--port', '1']]);
    expect(pinned(undefined, 'node', ['x.js'])).toEqual(['node', ['x.js']]);
  });

  it.skipIf(redisMissing() !== undefined)('start a durable redis-server on a free port, measure XADD with redis-benchmark, and stop it', async () => {
    const redis = await startRedis();
    try {
      const result = await redisBenchmark(redis, { clients: 2, requests: 200, pipeline: 10, command: ['XADD', 's', '*', 'v', 'x'] });
      expect(result.requestsPerSec).toBeGreaterThan(0);
      expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
      // Every XADD was stored.
      expect(execFileSync('redis-cli', ['-p', String(redis.port), 'XLEN', 's']).toString().trim()).toBe('200');
    } finally {
      await redis.stop();
    }
    expect(() => process.kill(redis.pid, 0)).toThrow();
  });

  it.skipIf(natsMissing() !== undefined)('start nats-server with JetStream, publish over several connections, read every message back, and stop it', async () => {
    const nats = await startNats();
    try {
      await createStream(nats, 'S', 's');
      const published = await publishLoad(nats, { subject: 's', total: 300, publishers: 3, inFlight: 5, connections: 2 });
      expect(published.messagesPerSec).toBeGreaterThan(0);
      expect(published.latency.count).toBe(300);
      // Reads exactly what was published (readLoad checks every message's size).
      const read = await readLoad(nats, { stream: 'S', total: 300 });
      expect(read.messagesPerSec).toBeGreaterThan(0);
    } finally {
      await nats.stop();
    }
    expect(() => process.kill(nats.pid, 0)).toThrow();
  });
});
