/**
 * Client worker (see bench/lib/worker.ts): many REST long-polls on one partition.
 *
 * - `tail {url, topic, count, from}`: `count` tailers, each re-polling at once from the
 *   `nextOffset` of its last answer (what a REST consumer at the tail does). `stopTail`
 *   ends them and reports how many answers and records they got (`progress` too, without ending them).
 * - `park {url, topic, count, offset, waitMs?}`: `count` long-polls at `offset`, answered when it
 *   opens them all; `waitWoken` then answers with the epoch ms at which each poll's
 *   answer arrived (the parent compares them with its produce's send time).
 */
import http from 'node:http';
import { epochMs, serveCommands } from '../lib/worker.js';

/** Tailers' waitMs (the gateway's default fetchMaxWaitMs); `park` takes its own, as parking thousands can take longer. */
const WAIT_MS = 30_000;
/** Connections opened at once: a burst of thousands overflows the listen backlog (SYN retries of 1 s). */
const OPEN_AT_ONCE = 200;

/**
 * Kept-alive connections that are dropped before the server drops them: Node's agent honours the server's
 * `Keep-Alive: timeout=5` (closing an idle socket 1 s before it) only when the agent has a timeout of
 * its own; without one, polls answered first sat idle past the server's 5 s while the rest were answered, and
 * the next round re-parked on sockets the server was closing (ECONNRESET, "socket hang up"). The timeout itself
 * never ends a request (an active socket's timeout only emits 'timeout', which nothing listens to).
 */
const newAgent = () => new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 600_000 });
let agent = newAgent();

/**
 * What a tailer needs of an answer: its nextOffset, which the gateway writes after the records, and its
 * size. Only the answer's last TAIL_BYTES are kept and decoded: decoding whole answers (hundreds of KB
 * each, hundreds of MB a second to 1,000 tailers) made this process, not the gateway, bound the row.
 */
interface Answer {
  nextOffset: number;
  bytes: number;
}
const TAIL_BYTES = 256;

function nextOffsetIn(tail: string): number {
  const at = tail.lastIndexOf('"nextOffset":');
  return at < 0 ? NaN : parseInt(tail.slice(at + 13), 10);
}

/** Polls sent again because the server had closed their kept-alive socket (see `poll`). */
let resent = 0;

/**
 * One long-poll; resolves with the answer's nextOffset and size. `opened` is called once its socket is connected.
 * A GET on a reused socket that the server closed as idle (its keep-alive timeout, 5 s) before the
 * request reached it fails with ECONNRESET / "socket hang up": sent again on a fresh socket, as
 * Node's documentation advises for idempotent requests. It happens when this process, the load
 * generator, is too busy to send a tailer's next poll for seconds after its answer arrived.
 */
function poll(base: string, topic: string, offset: number, opened: () => void, waitMs = WAIT_MS): Promise<Answer> {
  const sentWith = agent;
  return pollOnce(base, topic, offset, opened, waitMs).catch((err: unknown) => {
    // Not when this process dropped the connections itself (stopTail destroys the agent).
    if (!(err instanceof ReusedSocketClosed) || agent !== sentWith) throw err;
    resent++;
    return pollOnce(base, topic, offset, opened, waitMs);
  });
}

class ReusedSocketClosed extends Error {}

function pollOnce(base: string, topic: string, offset: number, opened: () => void, waitMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/v1/topics/${topic}/partitions/0/records?offset=${offset}&waitMs=${waitMs}&limit=1000`, { agent }, (res) => {
      let head: Buffer | undefined;
      let tail: Buffer = Buffer.alloc(0);
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        head ??= c;
        bytes += c.length;
        tail = c.length >= TAIL_BYTES ? c.subarray(c.length - TAIL_BYTES) : Buffer.concat([tail, c]).subarray(-TAIL_BYTES);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`poll: ${res.statusCode} ${head?.subarray(0, 200).toString()}`));
        else resolve({ nextOffset: nextOffsetIn(tail.toString()), bytes });
      });
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(req.reusedSocket && err.code === 'ECONNRESET' ? new ReusedSocketClosed(err.message) : err),
    );
    req.once('socket', (s) => (s.connecting ? s.once('connect', opened) : opened()));
  });
}

/** Starts `count` polls, at most OPEN_AT_ONCE connecting at a time; resolves once all are sent. */
async function openPolls(count: number, start: (i: number, opened: () => void) => void): Promise<void> {
  for (let i = 0; i < count; ) {
    const wave = Math.min(OPEN_AT_ONCE, count - i);
    await new Promise<void>((resolve) => {
      let left = wave;
      for (let j = 0; j < wave; j++, i++) start(i, () => --left === 0 && resolve());
    });
  }
}

let tailing = false;
let answers = 0;
let records = 0;
/** Bytes of the answers' bodies: what the gateway wrote to its tailers. */
let bytes = 0;
let failure: string | undefined;
const running: Promise<void>[] = [];

let woken: Float64Array = new Float64Array(0);
let wokenCount = 0;
let wokenDone: Promise<void> = Promise.resolve();

/** One tailer: polls from `from`, then from each answer's nextOffset, until stopTail. */
async function tailer(url: string, topic: string, from: number, opened: () => void): Promise<void> {
  let offset = from;
  let first = true;
  try {
    while (tailing) {
      const answer = await poll(url, topic, offset, first ? opened : () => {});
      first = false;
      const next = answer.nextOffset;
      answers++;
      bytes += answer.bytes;
      records += next - offset;
      offset = next;
    }
  } catch (err) {
    if (tailing) failure ??= err instanceof Error ? err.message : String(err);
    if (first) opened();
  }
}

serveCommands({
  async tail(args) {
    const { url, topic, count, from } = args as { url: string; topic: string; count: number; from: number };
    tailing = true;
    answers = 0;
    records = 0;
    bytes = 0;
    failure = undefined;
    resent = 0;
    await openPolls(count, (_i, opened) => running.push(tailer(url, topic, from, opened)));
    return { opened: count };
  },
  progress: () => ({ answers, records, bytes }),
  async stopTail() {
    tailing = false;
    // Parked polls would wait out their waitMs: drop the connections instead.
    agent.destroy();
    agent = newAgent();
    await Promise.allSettled(running.splice(0));
    return { answers, records, bytes, failure, resent };
  },
  async park(args) {
    const { url, topic, count, offset, waitMs } = args as { url: string; topic: string; count: number; offset: number; waitMs?: number };
    woken = new Float64Array(count).fill(NaN);
    wokenCount = 0;
    const polls: Promise<void>[] = [];
    await openPolls(count, (i, opened) => {
      polls.push(
        poll(url, topic, offset, opened, waitMs).then((answer) => {
          woken[i] = epochMs();
          wokenCount++;
          if (!(answer.nextOffset > offset)) throw new Error(`poll ${i} answered without a record`);
        }),
      );
    });
    wokenDone = Promise.all(polls).then(() => undefined);
    wokenDone.catch(() => {}); // reported by waitWoken, not as an unhandled rejection
    return { opened: count };
  },
  async waitWoken() {
    await wokenDone;
    return { woken: Array.from(woken), count: wokenCount };
  },
});
