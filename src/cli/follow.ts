/**
 * `logway consume --follow`: records as NDJSON on stdout as they arrive, over the gateway's
 * WebSocket (docs/websocket.md) rather than repeated long-polls, from a position or as a
 * consumer group member (the socket is the member: the gateway heartbeats for it and a closed
 * socket leaves the group at once).
 *
 * Flow control is explicit credit: the gateway may send `CREDIT` records beyond what is printed,
 * and more is granted only once lines are written, so a slow stdout pauses the gateway instead
 * of filling this process's memory. (stdout to a pipe or a file is written synchronously by
 * Node on Linux; a line written is a line handed to the reader.)
 *
 * A member commits what it printed, every COMMIT_INTERVAL_MS and once more when it stops, so
 * a stop by Ctrl-C (or --max) commits every printed line and nothing else: a next run starts
 * right after the last line printed. A crash or a rebalance may print some lines again
 * (at-least-once, as every group consumer).
 */
import WebSocket from 'ws';
import { CliError, problemError, type Connection } from './client.js';

export interface FollowOptions {
  from: string;
  group?: string | undefined;
  max?: number | undefined;
  /** Aborted by Ctrl-C: a member commits what it printed, then the socket closes (leaving the group). */
  signal: AbortSignal;
  write: (line: string) => void;
}

/** Records the gateway may send ahead of what is printed. */
const CREDIT = 1000;
const COMMIT_INTERVAL_MS = 1000;
/** How long a stopping member waits for its last commit's answer before closing anyway. */
const FINAL_COMMIT_WAIT_MS = 10_000;

interface RecordLine {
  topic: string;
  partition: number;
  offset: number;
}

/** A group member refused by a gateway that does not coordinate its group (several gateways on one cluster). */
class NotCoordinator extends CliError {
  constructor(
    message: string,
    /** The coordinating gateway's URL, when the refusal named one. */
    readonly coordinator: string | undefined,
    /** Whether records were printed before the refusal. */
    readonly printed: boolean,
  ) {
    super(message);
  }
}

/**
 * Streams `topic`. A group member refused with NOT_COORDINATOR before it printed anything connects once more, to the
 * coordinating gateway the refusal names (the credential goes along: a gateway of the same cluster).
 */
export async function follow(connection: Connection, topic: string, options: FollowOptions): Promise<number> {
  try {
    return await followOnce(connection, topic, options);
  } catch (err) {
    if (!(err instanceof NotCoordinator) || err.coordinator === undefined || err.printed || options.signal.aborted) throw err;
    return followOnce({ ...connection, url: err.coordinator }, topic, options);
  }
}

function followOnce(connection: Connection, topic: string, options: FollowOptions): Promise<number> {
  const query = new URLSearchParams({ from: options.from, credit: String(Math.min(CREDIT, options.max ?? CREDIT)) });
  if (options.group !== undefined) query.set('group', options.group);
  const url = `${connection.url.replace(/\/+$/, '').replace(/^http/, 'ws')}/v1/topics/${encodeURIComponent(topic)}/ws?${query}`;
  const socket = new WebSocket(url, ['logway'], connection.token ? { headers: { authorization: `Bearer ${connection.token}` } } : {});

  let printed = 0;
  let ungranted = 0;
  let stopping = false;
  /** Group mode: next offset per partition after the lines printed, and what the gateway confirmed. */
  const printedUpTo = new Map<number, number>();
  const committed = new Map<number, number>();
  let commitId = 0;
  const pendingCommits = new Map<string, (error?: CliError) => void>();

  return new Promise<number>((resolve, reject) => {
    let failure: CliError | undefined;
    const fail = (error: CliError) => {
      failure ??= error;
      stop();
    };

    const commit = (): Promise<void> => {
      const offsets = [...printedUpTo].filter(([p, o]) => committed.get(p) !== o).map(([partition, offset]) => ({ topic, partition, offset }));
      if (offsets.length === 0 || socket.readyState !== WebSocket.OPEN) return Promise.resolve();
      const id = `commit-${++commitId}`;
      return new Promise<void>((done) => {
        pendingCommits.set(id, (error) => {
          if (error) process.stderr.write(`logway: commit refused: ${error.message}\n`);
          else for (const o of offsets) committed.set(o.partition, o.offset);
          done();
        });
        socket.send(JSON.stringify({ type: 'commit', id, offsets }));
      });
    };
    const commitTimer = options.group === undefined ? undefined : setInterval(() => void commit(), COMMIT_INTERVAL_MS);

    // Printing stops at once; a member commits what it printed; then the socket closes (the gateway drops the member).
    const stop = () => {
      if (stopping) return;
      stopping = true;
      clearInterval(commitTimer);
      options.signal.removeEventListener('abort', stop);
      const close = () => {
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close(1000, 'consumer stopped');
      };
      if (options.group === undefined || socket.readyState !== WebSocket.OPEN) return close();
      const bound = setTimeout(close, FINAL_COMMIT_WAIT_MS);
      void commit().then(() => {
        clearTimeout(bound);
        close();
      });
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', stop);

    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: Record<string, unknown> & { type: string };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return fail(new CliError('the gateway sent a WebSocket message that is not JSON'));
      }
      switch (message.type) {
        case 'records': {
          if (stopping) return;
          const records = message.records as RecordLine[];
          for (const record of records) {
            options.write(JSON.stringify(record));
            printed++;
            printedUpTo.set(record.partition, record.offset + 1);
            if (printed >= (options.max ?? Infinity)) return stop();
          }
          ungranted += records.length;
          if (ungranted >= CREDIT / 2) {
            socket.send(JSON.stringify({ type: 'credit', records: ungranted }));
            ungranted = 0;
          }
          return;
        }
        case 'revoked':
          // Another member owns them now: their commits are its business.
          for (const { partition } of message.partitions as { partition: number }[]) {
            printedUpTo.delete(partition);
            committed.delete(partition);
          }
          return;
        case 'committed':
        case 'error': {
          const answer = typeof message.id === 'string' ? pendingCommits.get(message.id) : undefined;
          if (answer) {
            pendingCommits.delete(message.id as string);
            return answer(message.type === 'error' ? socketError(message) : undefined);
          }
          // The subscription failed or ended (the socket then closes with 4000 + status).
          if (message.type === 'error') fail(socketError(message, printed > 0));
          return;
        }
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      // The handshake refused before any socket (e.g. 401 when a credential is missing): a problem as REST answers it.
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        let problem: unknown;
        try {
          problem = JSON.parse(body);
        } catch {
          problem = undefined;
        }
        fail(problemError(problem, response.statusCode ?? 0));
        socket.terminate();
      });
    });
    socket.on('error', (err: Error & { code?: string }) => {
      // Ctrl-C while connecting ends the attempt on purpose.
      if (stopping && failure === undefined) return;
      failure ??= new CliError(`cannot reach the gateway at ${connection.url}: ${err.code ?? err.message}`);
    });
    socket.on('close', (code, reason) => {
      clearInterval(commitTimer);
      options.signal.removeEventListener('abort', stop);
      for (const answer of pendingCommits.values()) answer(new CliError(`the connection closed (${code})`));
      if (failure) return reject(failure);
      if (!stopping) return reject(new CliError(`the gateway closed the stream (${code}${reason.length > 0 ? `: ${reason.toString()}` : ''})`));
      resolve(printed);
    });
  });
}

function socketError(message: Record<string, unknown>, printed = false): CliError {
  const text = `${String(message.code)}: ${String(message.message)}`;
  if (message.code !== 'NOT_COORDINATOR') return new CliError(text);
  const coordinator = typeof message.coordinator === 'string' && /^https?:\/\//.test(message.coordinator) ? message.coordinator : undefined;
  return new NotCoordinator(text, coordinator, printed);
}
