/**
 * For "the gateway restarts mid-stream" tests: the real server process on one data folder and
 * one port, stopped (SIGTERM or SIGKILL) and started again at the same address, so a client
 * that reconnects to the URL it knows finds the same log; and a producer that keeps writing
 * through the restarts, retrying each batch under its Idempotency-Key until it is acknowledged,
 * so every sequence number lands in the log exactly once.
 */
import { requestJson, tempDir } from './gateway.js';
import { freePorts } from '../../src/tools/free-ports.js';
import { startServerProcess, type ServerProcess } from './process.js';

export interface RestartableGateway {
  readonly url: string;
  readonly current: ServerProcess;
  /** Stops the process with `signal`, waits for it to exit, and starts it again on the same port and folder. */
  restart(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export async function startRestartableGateway(env: Record<string, string> = {}): Promise<RestartableGateway> {
  const dataDir = tempDir('logway-restart-');
  // A port outside the kernel's ephemeral range: while the process is down, no other could take it.
  const port = String((await freePorts(1))[0]);
  let current = await startServerProcess(dataDir, { ...env, LOGWAY_PORT: port });
  return {
    url: current.url,
    get current() {
      return current;
    },
    async restart(signal) {
      current.kill(signal);
      await current.exited;
      // The same port: the client only knows this URL (the listener sets SO_REUSEADDR, so TIME_WAIT does not block it).
      current = await startServerProcess(dataDir, { ...env, LOGWAY_PORT: port });
    },
  };
}

export interface Producer {
  /** Sequence numbers acknowledged so far. */
  readonly acked: number;
  /** Failed attempts (the gateway was down or shutting down), each retried. */
  readonly retries: number;
  /** Finishes the batch in flight and stops; resolves with the number of records acknowledged. */
  stop(): Promise<number>;
}

/**
 * Produces batches of `batchSize` records `{seq}` (keys spread them over the partitions) to
 * `topic` until stopped. A failed batch is retried with the same Idempotency-Key, so a batch the
 * gateway committed before dying but never acknowledged is not appended twice.
 */
export function startProducer(url: () => string, topic: string, batchSize = 20): Producer {
  let acked = 0;
  let retries = 0;
  let stopping = false;
  const run = (async () => {
    for (let batch = 0; !stopping; batch++) {
      const records = Array.from({ length: batchSize }, (_, i) => {
        const seq = batch * batchSize + i;
        return { key: `key-${seq % 13}`, value: { seq } };
      });
      for (;;) {
        try {
          const res = await requestJson(`${url()}/v1/topics/${topic}/records`, 'POST', { records }, { 'idempotency-key': `batch-${batch}` });
          if (res.status === 200) break;
          if (res.status !== 503) throw new Error(`produce answered ${res.status}: ${JSON.stringify(res.body)}`);
        } catch (err) {
          if (err instanceof Error && err.message.startsWith('produce answered')) throw err;
        }
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      acked += batchSize;
      // A steady trickle, not a flood: the machine running the tests is shared with the browser and the gateway.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return acked;
  })();
  return {
    get acked() {
      return acked;
    },
    get retries() {
      return retries;
    },
    stop() {
      stopping = true;
      return run;
    },
  };
}

export interface LoggedRecord {
  partition: number;
  offset: number;
  seq: number;
}

/** The whole topic as the log holds it, per partition in offset order (read over REST, partition by partition). */
export async function readWholeTopic(url: string, topic: string): Promise<Map<number, LoggedRecord[]>> {
  const described = await requestJson(`${url}/v1/topics/${topic}`, 'GET');
  if (described.status !== 200) throw new Error(`describe ${topic}: ${described.status}`);
  const byPartition = new Map<number, LoggedRecord[]>();
  for (let partition = 0; partition < (described.body.partitions as number); partition++) {
    const records: LoggedRecord[] = [];
    let offset = 0;
    for (;;) {
      const res = await requestJson(`${url}/v1/topics/${topic}/partitions/${partition}/records?offset=${offset}&limit=1000`, 'GET');
      if (res.status !== 200) throw new Error(`read ${topic}/${partition}: ${res.status}`);
      for (const r of res.body.records) records.push({ partition, offset: r.offset, seq: r.value.seq });
      if (res.body.records.length === 0 || res.body.nextOffset >= res.body.highWatermark) break;
      offset = res.body.nextOffset;
    }
    byPartition.set(partition, records);
  }
  return byPartition;
}

/** Groups what a client received by partition, keeping the order it arrived in. */
export function byPartition(received: LoggedRecord[]): Map<number, LoggedRecord[]> {
  const map = new Map<number, LoggedRecord[]>();
  for (const r of received) {
    const list = map.get(r.partition) ?? [];
    list.push({ partition: r.partition, offset: r.offset, seq: r.seq });
    map.set(r.partition, list);
  }
  return map;
}
