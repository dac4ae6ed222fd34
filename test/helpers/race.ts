/**
 * The long-poll race, staged: a reader reads a partition's bounds, finds nothing, then waits
 * for an append. `racingLog()` gives a real store and Log on topic 't' (one partition) whose
 * next offsets() call, once armed, lets a produce of "raced" land before it answers with the
 * bounds as they were: exactly an append published between the read and the wait.
 */
import { onTestFinished } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { decodeProduceRecord } from '../../src/core/record-codec.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from './gateway.js';
import { intercept } from './intercept.js';

export async function racingLog() {
  const raw = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => raw.close());
  let armed = false;
  const store = intercept(raw, {
    offsets: (offsets) => async (topic) => {
      const bounds = await offsets(topic);
      if (armed) {
        armed = false;
        await log.produce('t', [decodeProduceRecord({ value: 'raced' })]);
      }
      return bounds;
    },
  });
  const notifier = new Notifier();
  const settings = { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 4, maxRecordBytes: 1_000, idempotencyWindowMs: 1_000 };
  const log = new Log(store, notifier, settings, systemClock);
  await log.createTopic('t', 1);
  const ac = new AbortController();
  onTestFinished(() => ac.abort());
  return {
    store,
    log,
    notifier,
    /** Ends any wait still pending (pass it in the reader's signals). */
    signal: ac.signal,
    arm: () => {
      armed = true;
    },
    /**
     * Whether `read` (started after arm()) answered by itself, or got stuck waiting for the record
     * that is already there: stuck means it registered a new listener (beyond `baseline`) and has
     * not settled (or parked a wait in the registry). Ends the wait either way, then resolves with the verdict.
     */
    async answeredAtOnce(read: Promise<unknown>, baseline = 0): Promise<boolean> {
      let settled = false;
      void read.finally(() => (settled = true)).catch(() => undefined);
      const deadline = Date.now() + 10_000;
      const registered = () => notifier.listenerCount + notifier.waiters.size;
      while (!settled && registered() === baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const stuck = !settled;
      ac.abort();
      return !stuck;
    },
  };
}
