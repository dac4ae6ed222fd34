/**
 * Client worker (see bench/lib/worker.ts): REST consumer-group members by the thousand, for the
 * group-join scenario, so that their sockets cost the client core and not the bench process.
 *
 * - `join {host, port, group, topic, count}`: `count` members, each on its own kept-alive connection,
 *   all connecting at once; each sends its join as soon as its connection is up, then heartbeats at the
 *   interval the gateway gives it (with `waitMs` equal to it: answered early when a partition it waits for
 *   is released), listing what it was last given. Answers once every join is answered, with each join's
 *   latency from its own request (its connection included) to its whole answer's arrival, and the epoch ms
 *   of the first join's request.
 * - `oneEach {timeoutMs}`: waits until every member's last answer holds exactly one partition, and answers
 *   with the epoch ms at which the last of them arrived (with as many partitions as members: the group stable).
 * - `stop {leave?}`: ends the heartbeats (after those in flight), with `leave` has every member leave the group,
 *   and answers with the heartbeats' latencies.
 *
 * A minimal HTTP/1.1 client over `net` rather than node:http: the 1,000 members' requests are then a
 * write each, and an answer costs the client a few microseconds to read, so neither the making of a
 * thousand requests in a row nor the reading of a thousand answers arriving together is timed as the
 * gateway's. A join is timed from the moment its member opens its connection: that holds the handshake and
 * the gateway accepting it, and the rest of the loop opening the other members' connections (Node connects
 * each on the next tick, tens of ms for 1,000), which errs against the gateway.
 */
import net from 'node:net';
import { epochMs, serveCommands } from '../lib/worker.js';

interface Answer {
  status: number;
  body: string;
  /** Epoch ms at which the request was made (before its connection, if it had none), and at which its whole answer had arrived. */
  sentAt: number;
  answeredAt: number;
  /** Epoch ms at which its bytes went to the connection (once connected). */
  writtenAt: number;
}

interface TopicPartition {
  topic: string;
  partition: number;
}

/** One kept-alive connection, one request at a time (a member never has two in flight). */
class Connection {
  readonly #host: string;
  readonly #port: number;
  #socket: net.Socket | undefined;
  #connected = false;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: { resolve: (a: Answer) => void; reject: (e: Error) => void; sentAt: number; writtenAt: number } | undefined;
  #queued: Buffer | undefined;

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
  }

  /** Connects now (the join is written the moment the connection is up). */
  open(): void {
    const socket = net.connect({ host: this.#host, port: this.#port, noDelay: true });
    this.#socket = socket;
    this.#connected = false;
    socket.on('connect', () => {
      this.#connected = true;
      if (this.#queued) this.#write(this.#queued);
      this.#queued = undefined;
    });
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => {
      if (this.#socket === socket) this.#socket = undefined;
      this.#fail(new Error('connection closed by the gateway'));
    });
  }

  request(method: string, path: string, body?: unknown): Promise<Answer> {
    if (this.#pending) return Promise.reject(new Error('a request is already in flight'));
    const text = body === undefined ? '' : JSON.stringify(body);
    const type = body === undefined ? '' : 'Content-Type: application/json\r\n';
    const bytes = Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: ${this.#host}:${this.#port}\r\n${type}Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    return new Promise<Answer>((resolve, reject) => {
      // Timed from here, its connection included when it has none yet (a join, or after the gateway closed it).
      this.#pending = { resolve, reject, sentAt: epochMs(), writtenAt: NaN };
      if (!this.#socket) this.open();
      if (this.#connected) this.#write(bytes);
      else this.#queued = bytes;
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #write(bytes: Buffer): void {
    this.#pending!.writtenAt = epochMs();
    this.#socket!.write(bytes);
  }

  #fail(err: Error): void {
    const pending = this.#pending;
    this.#pending = undefined;
    this.#buffer = Buffer.alloc(0);
    pending?.reject(err);
  }

  /** Reads one answer with a Content-Length (the gateway's JSON answers all have one). */
  #read(chunk: Buffer): void {
    const answeredAt = epochMs();
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const headEnd = this.#buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.#buffer.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length && status !== 204) return this.#fail(new Error(`answer without content-length: ${head.slice(0, 200)}`));
    const end = headEnd + 4 + Number(length?.[1] ?? 0);
    if (this.#buffer.length < end) return;
    const body = this.#buffer.toString('utf8', headEnd + 4, end);
    const rest = this.#buffer.subarray(end);
    this.#buffer = rest.length ? Buffer.from(rest) : Buffer.alloc(0);
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    if (/\r\nconnection: *close/i.test(head)) this.close();
    pending.resolve({ status, body, sentAt: pending.sentAt, answeredAt, writtenAt: pending.writtenAt });
  }
}

let running = false;
let connections: Connection[] = [];
let members: Promise<void>[] = [];
let heartbeatMs: number[] = [];
/** Whether `stop` makes every member leave the group (else they just stop, and their sessions run out). */
let leaveOnStop = false;
let failure: string | undefined;

/**
 * Partitions in each member's last answer, and when every member's last answer first held exactly one. With as
 * many partitions as members that is the group stable as its members see it: all partitions granted, one each
 * (so none is still being released: a partition being released is granted to no one), and each member told.
 */
let held: number[] = [];
let holdingOne = 0;
let oneEachAt: number | undefined;

function told(index: number, answer: Answer, partitions: number): void {
  const before = held[index] ?? 0;
  held[index] = partitions;
  holdingOne += (partitions === 1 ? 1 : 0) - (before === 1 ? 1 : 0);
  if (holdingOne < held.length) oneEachAt = undefined;
  else oneEachAt ??= answer.answeredAt;
}

/** One member: joins, then heartbeats until `stop`. `joined` is called once its join is answered (or has failed). */
async function member(index: number, c: Connection, group: string, body: unknown, joined: (a: Answer | undefined) => void): Promise<void> {
  let answered = false;
  try {
    const join = await c.request('POST', `/v1/groups/${group}/members`, body);
    answered = true;
    joined(join);
    if (join.status !== 201) throw new Error(`join: ${join.status} ${join.body.slice(0, 300)}`);
    const m = JSON.parse(join.body) as { memberId: string; memberEpoch: number; assignment: TopicPartition[]; heartbeatIntervalMs: number };
    let { memberEpoch, assignment } = m;
    told(index, join, assignment.length);
    const interval = m.heartbeatIntervalMs;
    while (running) {
      await new Promise((r) => setTimeout(r, interval));
      if (!running) break;
      const hb = await c.request('POST', `/v1/groups/${group}/members/${m.memberId}/heartbeat`, {
        memberEpoch,
        ownedPartitions: assignment,
        // While it only waits for partitions others release, answered when they are (or after an interval).
        waitMs: interval,
      });
      if (hb.status !== 200) throw new Error(`heartbeat: ${hb.status} ${hb.body.slice(0, 300)}`);
      heartbeatMs.push(hb.answeredAt - hb.sentAt);
      ({ memberEpoch, assignment } = JSON.parse(hb.body) as { memberEpoch: number; assignment: TopicPartition[] });
      told(index, hb, assignment.length);
    }
    if (leaveOnStop) {
      const left = await c.request('DELETE', `/v1/groups/${group}/members/${m.memberId}`);
      if (left.status !== 204) throw new Error(`leave: ${left.status} ${left.body.slice(0, 300)}`);
    }
  } catch (err) {
    if (running || leaveOnStop) failure ??= err instanceof Error ? err.message : String(err);
    if (!answered) joined(undefined);
  }
}

serveCommands({
  async join(args) {
    const { host, port, group, topic, count } = args as { host: string; port: number; group: string; topic: string; count: number };
    const body = { topics: [topic] };
    running = true;
    leaveOnStop = false;
    failure = undefined;
    heartbeatMs = [];
    const joinMs: number[] = [];
    let firstSentAt = Infinity;
    let lastSentAt = -Infinity;
    let lastWrittenAt = -Infinity;
    let left = count;
    let allJoined = () => {};
    const done = new Promise<void>((resolve) => (allJoined = resolve));
    const joined = (a: Answer | undefined) => {
      if (a?.status === 201) joinMs.push(a.answeredAt - a.sentAt);
      if (a) firstSentAt = Math.min(firstSentAt, a.sentAt);
      if (a) lastSentAt = Math.max(lastSentAt, a.sentAt);
      if (a) lastWrittenAt = Math.max(lastWrittenAt, a.writtenAt);
      if (--left === 0) allJoined();
    };
    connections = Array.from({ length: count }, () => new Connection(host, port));
    // Every connection is opened (and its join queued on it) in one loop: each join goes out as its connection comes up.
    held = new Array<number>(count).fill(0);
    holdingOne = 0;
    oneEachAt = undefined;
    members = connections.map((c, i) => member(i, c, group, body, joined));
    await done;
    if (failure !== undefined) throw new Error(failure);
    return { joinMs, firstSentAt, lastSentAt, lastWrittenAt };
  },
  /** Waits until every member's last answer holds exactly one partition (see `told`), or `timeoutMs`. */
  async oneEach(args) {
    const end = performance.now() + Number(args.timeoutMs);
    while (oneEachAt === undefined && failure === undefined && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
    if (failure !== undefined) throw new Error(failure);
    return { at: oneEachAt };
  },
  /** Heartbeats answered so far. */
  heartbeats() {
    return { answered: heartbeatMs.length };
  },
  async stop(args) {
    leaveOnStop = args.leave === true;
    running = false;
    await Promise.allSettled(members);
    for (const c of connections) c.close();
    connections = [];
    members = [];
    return { heartbeatMs, failure };
  },
});
