/**
 * The transport-free session over a real log (real SQLite in a temp dir), driven through
 * a sink whose buffer the test drains by hand: backpressure, the bound on held batches,
 * credit, and one frame shared by every session at the same position.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig, type ConfigInput } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { ErrorCode, GatewayError } from '../../src/errors.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { SharedFrames } from '../../src/ws/records-frame.js';
import { Session } from '../../src/ws/session.js';
import { frameBytes, type OutboundFrame, type SocketSink } from '../../src/ws/socket-sink.js';
import { tempDir } from '../helpers/gateway.js';
import { expectDense, until } from './ws-client.js';

/** A socket stand-in whose send buffer only drains when the test says so. */
class ManualSink implements SocketSink {
  frames: OutboundFrame[] = [];
  bufferedAmount = 0;
  closedWith: { code: number; reason: string } | undefined;
  #pending: { bytes: number; onFlushed: () => void }[] = [];

  send(frame: OutboundFrame, onFlushed: () => void): void {
    const bytes = frameBytes(frame);
    this.frames.push(frame);
    this.bufferedAmount += bytes;
    this.#pending.push({ bytes, onFlushed });
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  /** Everything sent so far reaches the network. */
  flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) {
      this.bufferedAmount -= p.bytes;
      p.onFlushed();
    }
  }

  messages(): any[] {
    // A records frame comes as two fragments of one message: the shared body and this socket's tail.
    return this.frames.map((f) => JSON.parse(typeof f === 'string' || Buffer.isBuffer(f) ? f.toString() : Buffer.concat(f).toString()));
  }

  records(): any[] {
    return this.messages().flatMap((m) => (m.type === 'records' ? m.records : []));
  }
}

async function setup(overrides: ConfigInput = {}) {
  const config = loadConfig({ overrides: { dataDir: tempDir(), synchronous: 'NORMAL', ...overrides } });
  const store = openSqliteStore({ dataDir: config.dataDir, synchronous: config.synchronous });
  onTestFinished(() => store.close());
  const log = new Log(store, new Notifier(), config, systemClock);
  const frames = new SharedFrames();
  const open = (sink: SocketSink, credit?: number, onUnexpectedError: (err: unknown) => void = (err) => { throw err; }) =>
    new Session({ log, settings: config, frames, onUnexpectedError }, sink, { credit });
  return { log, store, frames, open };
}

type FrameBody = readonly [Buffer, Buffer];

const tick = () => new Promise((r) => setImmediate(r));

describe('Session', () => {
  it('pauses above wsHighWaterBytes, holds at most that much for the socket, and then delivers everything in order', async () => {
    const { log, open } = await setup({ wsHighWaterBytes: 4096 });
    await log.createTopic('t', 1);
    const sink = new ManualSink();
    const session = open(sink);
    await session.subscribe({ topic: 't', start: { kind: 'latest' } });
    await log.produce('t', [{ key: null, value: '"first"', headers: null }]);
    await until(() => sink.records().length === 1, 'the session to be live');

    const filler = JSON.stringify('x'.repeat(100));
    let maxQueued = 0;
    for (let b = 0; b < 100; b++) {
      await log.produce('t', Array.from({ length: 10 }, () => ({ key: null, value: filler, headers: null })));
      await tick();
      maxQueued = Math.max(maxQueued, session.queuedBytes);
      expect(session.queuedBytes).toBeLessThanOrEqual(4096);
    }
    // Batches were held while paused, then dropped at the bound (the log has them).
    expect(maxQueued).toBeGreaterThan(0);
    expect(session.queuedBytes).toBe(0);
    expect(session.paused).toBe(true);
    const sentWhilePaused = sink.records().length;
    expect(sentWhilePaused).toBeLessThan(1001);
    expect(sink.bufferedAmount).toBeLessThan(4096 + 2048); // one frame past the mark at most

    // The client reads again: every record arrives, in order, no gap, no duplicate.
    await until(() => {
      sink.flush();
      return sink.records().length === 1001;
    }, 'every record after draining');
    expectDense(sink.records(), { 0: 0 });
    expect(sink.closedWith).toBeUndefined();
  });

  it('closes with 1008 once the buffer passes wsMaxBufferedBytes', async () => {
    const { log, open } = await setup({ wsHighWaterBytes: 1 << 30, wsMaxBufferedBytes: 4096 });
    await log.createTopic('t', 1);
    await log.produce('t', Array.from({ length: 100 }, () => ({ key: null, value: JSON.stringify('y'.repeat(100)), headers: null })));
    const sink = new ManualSink();
    const session = open(sink);
    await session.subscribe({ topic: 't', start: { kind: 'earliest' } });
    await until(() => sink.closedWith !== undefined, 'the close');
    expect(sink.closedWith!.code).toBe(1008);
    expect(sink.closedWith!.reason).toMatch(/over wsMaxBufferedBytes \(4096\)/);
    expect(session.closed).toBe(true);
  });

  it('with explicit credit sends exactly what is granted', async () => {
    const { log, open } = await setup();
    await log.createTopic('t', 1);
    await log.produce('t', Array.from({ length: 10 }, (_, i) => ({ key: null, value: String(i), headers: null })));
    const sink = new ManualSink();
    const session = open(sink, 0);
    await session.subscribe({ topic: 't', start: { kind: 'earliest' } });
    for (let i = 0; i < 5; i++) await tick();
    expect(sink.records()).toHaveLength(0);
    session.grant(3);
    await until(() => sink.records().length === 3, '3 records');
    for (let i = 0; i < 5; i++) await tick();
    sink.flush(); // flushing returns no credit once credit is explicit
    for (let i = 0; i < 5; i++) await tick();
    expect(sink.records().map((r) => r.value)).toEqual([0, 1, 2]);
    session.grant(100);
    await until(() => sink.records().length === 10, 'the rest');
    expect(session.credit).toBe(93);
  });

  it('sessions at the same position send the very same frame body for an appended batch, each with its own cursor', async () => {
    const { log, frames, open } = await setup();
    await log.createTopic('t', 1);
    const sinks = [new ManualSink(), new ManualSink(), new ManualSink()];
    for (const sink of sinks) await open(sink).subscribe({ topic: 't', start: { kind: 'latest' } });
    await log.produce('t', [{ key: null, value: '0', headers: null }]);
    await until(() => sinks.every((s) => s.records().length === 1), 'every session live');
    await log.produce('t', Array.from({ length: 20 }, (_, i) => ({ key: null, value: String(i), headers: null })));
    await until(() => sinks.every((s) => s.records().length === 21), 'the batch everywhere');
    const last = sinks.map((s) => s.frames.at(-1) as readonly [Buffer, Buffer]);
    expect(last[0]![0]).toBeInstanceOf(Buffer);
    expect(last[1]![0]).toBe(last[0]![0]);
    expect(last[2]![0]).toBe(last[0]![0]);
    expect(frames.built).toBe(2);
    // Each socket's tail names its own position: here the same one, after offset 20.
    const cursors = sinks.map((s) => s.messages().at(-1).cursor);
    expect(cursors[0]).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Set(cursors).size).toBe(1);
  });

  it('a batch larger than the credit is sent in slices, each serialized once for all sessions', async () => {
    const { log, frames, open } = await setup({ wsDefaultCreditRecords: 1000 });
    await log.createTopic('t', 1);
    const sinks = [new ManualSink(), new ManualSink(), new ManualSink()];
    for (const sink of sinks) await open(sink).subscribe({ topic: 't', start: { kind: 'latest' } });
    await log.produce('t', [{ key: null, value: '0', headers: null }]);
    await until(() => sinks.every((s) => s.records().length === 1), 'every session live');
    for (const sink of sinks) sink.flush();
    const before = frames.built;
    await log.produce('t', Array.from({ length: 2500 }, (_, i) => ({ key: null, value: String(i), headers: null })));
    // Automatic credit: 1000 records in flight per socket; each flush lets the next slice go.
    await until(() => {
      for (const sink of sinks) sink.flush();
      return sinks.every((s) => s.records().length === 2501);
    }, 'the whole batch everywhere');
    expect(frames.built - before).toBe(3);
    for (let i = 1; i <= 3; i++) {
      expect((sinks[1]!.frames.at(-i) as FrameBody)[0]).toBe((sinks[0]!.frames.at(-i) as FrameBody)[0]);
      expect((sinks[2]!.frames.at(-i) as FrameBody)[0]).toBe((sinks[0]!.frames.at(-i) as FrameBody)[0]);
    }
    for (const sink of sinks) expectDense(sink.records(), { 0: 0 });
  });

  it('skips to the log start when retention deleted the records at its position', async () => {
    const { log, store, open } = await setup();
    await log.createTopic('t', 1);
    await log.produce('t', Array.from({ length: 10 }, (_, i) => ({ key: null, value: String(i), headers: null })));
    const sink = new ManualSink();
    const session = open(sink, 0); // no credit yet: nothing is read
    // Bounded without a timer: if the skip regressed, the session would read the empty position
    // forever, and a loop of reads that resolve at once can starve every timer (until()'s deadline,
    // vitest's timeout), so the test would hang. Past this many reads the session is stopped instead.
    const MAX_READS = 1_000;
    let reads = 0;
    const read = log.read.bind(log);
    log.read = (...args) => {
      if (++reads > MAX_READS) session.close(1011, 'test: too many reads');
      return read(...args);
    };
    await session.subscribe({ topic: 't', start: { kind: 'earliest' } });
    await store.truncateBefore('t', 0, 10); // retention removes all ten
    session.grant(100);
    await log.produce('t', [{ key: null, value: '"after"', headers: null }]);
    await until(() => sink.records().length === 1 || session.closed, 'the record after the deleted ones', 10_000);
    expect(reads, `read the log ${reads} times without moving past the records retention deleted`).toBeLessThanOrEqual(MAX_READS);
    expect(sink.records()[0]).toMatchObject({ offset: 10, value: 'after' });
  });

  it('a topic deleted during a catch-up ends only its subscription, with TOPIC_NOT_FOUND (not 1011 for the socket)', async () => {
    // Regression: after a read found nothing, the catch-up asked for the partition's bounds; a deletion
    // landing between the two made that throw TOPIC_NOT_FOUND, which reached the pump as "unexpected"
    // and closed the whole multiplexed socket with 1011.
    const { log, store, open } = await setup();
    await log.createTopic('gone', 1);
    await log.createTopic('kept', 1);
    await log.produce('gone', Array.from({ length: 10 }, (_, i) => ({ key: null, value: String(i), headers: null })));
    const sink = new ManualSink();
    const unexpected: unknown[] = [];
    const session = open(sink, 0, (err) => unexpected.push(err)); // no credit yet: nothing is read
    await session.subscribe({ topic: 'gone', start: { kind: 'earliest' } });
    await session.subscribe({ topic: 'kept', start: { kind: 'latest' } });
    await store.truncateBefore('gone', 0, 10); // the read at offset 0 finds nothing: the session asks for the bounds
    const partitionOffsets = log.partitionOffsets.bind(log);
    log.partitionOffsets = async (topic, partition) => {
      // Deleted in the store between the read and this query; the notifier has not told the session yet.
      if (topic === 'gone') await store.deleteTopic('gone');
      return partitionOffsets(topic, partition);
    };
    session.grant(100);
    await until(() => sink.messages().some((m) => m.type === 'error') || sink.closedWith !== undefined, 'the subscription to end');
    expect(sink.closedWith).toBeUndefined();
    expect(unexpected).toEqual([]);
    expect(sink.messages().filter((m) => m.type === 'error')).toEqual([
      expect.objectContaining({ code: 'TOPIC_NOT_FOUND', topic: 'gone' }),
    ]);
    // The socket's other subscription goes on.
    await log.produce('kept', [{ key: null, value: '"still here"', headers: null }]);
    await until(() => sink.records().length === 1, 'the other topic\'s record');
    expect(sink.records()[0]).toMatchObject({ topic: 'kept', value: 'still here' });
    expect(session.closed).toBe(false);
  });

  it('a long catch-up yields to the event loop between chunks', async () => {
    const { log, open } = await setup({ wsHighWaterBytes: 1 << 30, wsMaxBufferedBytes: 1 << 30 });
    await log.createTopic('t', 1);
    for (let b = 0; b < 10; b++) {
      await log.produce('t', Array.from({ length: 2000 }, (_, i) => ({ key: null, value: String(i), headers: null })));
    }
    const sink = new ManualSink(); // its buffer never blocks: only yielding lets others run
    const session = open(sink, 1_000_000_000);
    // What other work sees, once per turn of the event loop. A catch-up that never yielded would
    // send every chunk in one turn (one chain of promises), so every look would see 0 or all.
    // (Not a timer: a chunk can take less than the timer's 1 ms.)
    const seen: number[] = [];
    let looking = true;
    const look = () => {
      seen.push(sink.records().length);
      if (looking) setImmediate(look);
    };
    setImmediate(look);
    await session.subscribe({ topic: 't', start: { kind: 'earliest' } });
    await until(() => sink.records().length === 20_000, 'the whole backlog');
    looking = false;
    expect(seen.some((n) => n > 0 && n < 20_000)).toBe(true);
  });

  it('an error frame keeps its type, id, code and message when the error details carry members of the same names', async () => {
    const { open } = await setup();
    const sink = new ManualSink();
    const session = open(sink);
    const err = new GatewayError(ErrorCode.TOPIC_NOT_FOUND, "topic 'a' does not exist", {
      topic: 'a',
      type: 'records',
      id: 'forged',
      code: 'NOT_AN_ERROR',
      message: 'fine',
    });
    session.sendError(err, 7);
    expect(sink.messages()).toEqual([
      { type: 'error', id: 7, code: 'TOPIC_NOT_FOUND', message: "topic 'a' does not exist", topic: 'a' },
    ]);
  });
});
