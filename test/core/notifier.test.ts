import { describe, expect, it } from 'vitest';
import { Notifier, type AppendedRecords } from '../../src/core/notifier.js';

const batch = (topic: string, partition: number, offset = 0): AppendedRecords => ({
  topic,
  partition,
  records: [{ offset, timestamp: 1, key: null, value: '1', headers: null }],
  highWatermark: offset + 1,
});

describe('Notifier', () => {
  it('tells only the listeners of the partition, until they unsubscribe', () => {
    const n = new Notifier();
    const seen: string[] = [];
    const off = n.onAppend('t', 0, (b) => seen.push(`a:${b.topic}/${b.partition}`));
    n.onAppend('t', 1, (b) => seen.push(`b:${b.topic}/${b.partition}`));
    n.onAppend('u', 0, (b) => seen.push(`c:${b.topic}/${b.partition}`));
    n.publish(batch('t', 0));
    off();
    n.publish(batch('t', 0));
    n.publish(batch('t', 1));
    expect(seen).toEqual(['a:t/0', 'b:t/1']);
    expect(n.listenerCount).toBe(2);
  });

  it('isolates a listener that throws: the others still hear, and the error is reported', () => {
    const errors: unknown[] = [];
    const n = new Notifier((err) => errors.push(err));
    const heard: number[] = [];
    n.onAppend('t', 0, () => heard.push(1));
    n.onAppend('t', 0, () => {
      throw new Error('bug');
    });
    n.onAppend('t', 0, () => heard.push(3));
    n.onTopicChange(() => {
      throw new Error('topic bug');
    });
    n.onTopicChange(() => heard.push(4));
    expect(() => n.publish(batch('t', 0))).not.toThrow();
    expect(() => n.publishTopicChange({ topic: 't', kind: 'deleted', partitions: 0 })).not.toThrow();
    expect(heard).toEqual([1, 3, 4]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['bug', 'topic bug']);
  });

  it('a listener may unsubscribe itself or others while being told', () => {
    const n = new Notifier();
    const heard: string[] = [];
    let offB = () => {};
    const offA = n.onAppend('t', 0, () => {
      heard.push('a');
      offA();
      offB();
    });
    offB = n.onAppend('t', 0, () => heard.push('b'));
    n.publish(batch('t', 0));
    n.publish(batch('t', 0));
    // Both were registered when the first publish began, so both hear it once.
    expect(heard).toEqual(['a', 'b']);
    expect(n.listenerCount).toBe(0);
  });

  describe('waitForAppend', () => {
    const wait = (timeoutMs: number, signals: AbortSignal[] = [], highWatermark = 0) => ({ highWatermark, timeoutMs, signals });

    it('resolves true on an append to the partition and cleans up', async () => {
      const n = new Notifier();
      const p = n.waitForAppend('t', 0, wait(60_000));
      n.publish(batch('t', 1));
      n.publish(batch('t', 0));
      expect(await p).toBe(true);
      expect(n.listenerCount).toBe(0);
    });

    it('resolves false when the time is up, when the topic is deleted, or when aborted', async () => {
      const n = new Notifier();
      expect(await n.waitForAppend('t', 0, wait(20))).toBe(false);
      expect(await n.waitForAppend('t', 0, wait(0))).toBe(false);

      const deleted = n.waitForAppend('t', 0, wait(60_000));
      n.publishTopicChange({ topic: 'other', kind: 'deleted', partitions: 0 });
      n.publishTopicChange({ topic: 't', kind: 'partitions-added', partitions: 3 });
      n.publishTopicChange({ topic: 't', kind: 'deleted', partitions: 0 });
      expect(await deleted).toBe(false);

      const ac = new AbortController();
      const aborted = n.waitForAppend('t', 0, wait(60_000, [ac.signal]));
      ac.abort();
      expect(await aborted).toBe(false);
      expect(await n.waitForAppend('t', 0, wait(60_000, [ac.signal]))).toBe(false);
      expect(n.listenerCount).toBe(0);
    });

    it('ends when any of several signals aborts, and leaves no listener on the others', async () => {
      const n = new Notifier();
      const shutdown = new AbortController();
      const request = new AbortController();
      const listeners = new Set<unknown>();
      const add = shutdown.signal.addEventListener.bind(shutdown.signal);
      const remove = shutdown.signal.removeEventListener.bind(shutdown.signal);
      shutdown.signal.addEventListener = (...args: Parameters<typeof add>) => (listeners.add(args[1]), add(...args));
      shutdown.signal.removeEventListener = (...args: Parameters<typeof remove>) => (listeners.delete(args[1]), remove(...args));

      const appended = n.waitForAppend('t', 0, wait(60_000, [request.signal, shutdown.signal]));
      expect(listeners.size).toBe(1);
      n.publish(batch('t', 0));
      expect(await appended).toBe(true);
      expect(listeners.size).toBe(0);

      const gone = n.waitForAppend('t', 0, wait(60_000, [request.signal, shutdown.signal], 1));
      request.abort();
      expect(await gone).toBe(false);
      expect(listeners.size).toBe(0);
      expect(shutdown.signal.aborted).toBe(false);
      expect(n.listenerCount).toBe(0);
    });

    it('resolves at once for an append published before the call that the caller had not seen', async () => {
      const n = new Notifier();
      n.publish(batch('t', 0, 4)); // high watermark 5
      expect(await n.waitForAppend('t', 0, wait(60_000, [], 4))).toBe(true);
      expect(n.listenerCount).toBe(0);

      // Already seen (or a stale publish behind what the caller read): it waits for the next one.
      const seen = n.waitForAppend('t', 0, wait(60_000, [], 5));
      n.publish(batch('t', 0, 3));
      expect(n.waiters.size).toBe(1);
      n.publish(batch('t', 0, 5));
      expect(await seen).toBe(true);

      // A deleted topic starts over.
      n.publishTopicChange({ topic: 't', kind: 'deleted', partitions: 0 });
      const recreated = n.waitForAppend('t', 0, wait(60_000, [], 0));
      expect(n.waiters.size).toBe(1);
      n.publish(batch('t', 0, 0));
      expect(await recreated).toBe(true);
    });
  });
});
