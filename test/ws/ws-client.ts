/**
 * A real `ws` client for tests: collects every message, waits for conditions with a
 * bounded deadline (no sleeps), and checks records for gaps and duplicates.
 */
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { until as waitFor } from '../helpers/until.js';

export interface TestSocket {
  ws: WebSocket;
  /** Every parsed message, in arrival order. */
  messages: any[];
  /** Every record received, in arrival order. */
  records: any[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Calls `handler` with every message received so far, then with each new one. */
  each(handler: (message: any) => void): void;
  /** The first message of `type` (optionally matching `match`), waiting for it. */
  next(type: string, match?: (m: any) => boolean, timeoutMs?: number): Promise<any>;
}

export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(what, condition, { timeoutMs });
}

/** Opens a socket to `http(s)://...` base + path; closes it when the test finishes. */
export async function openSocket(baseUrl: string, path: string, protocols?: string[]): Promise<TestSocket> {
  const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, protocols);
  const messages: any[] = [];
  const records: any[] = [];
  const handlers: ((message: any) => void)[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) throw new Error('server sent a binary frame');
    const message = JSON.parse(data.toString());
    messages.push(message);
    if (message.type === 'records') records.push(...message.records);
    for (const handler of handlers) handler(message);
  });
  ws.on('error', () => {});
  onTestFinished(() => {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const socket: TestSocket = {
    ws,
    messages,
    records,
    closed,
    send: (m) => ws.send(JSON.stringify(m)),
    until: (condition, what, timeoutMs) => until(condition, what, timeoutMs),
    each(handler) {
      for (const m of messages) handler(m);
      handlers.push(handler);
    },
    async next(type, match = () => true, timeoutMs) {
      let found: any;
      await until(() => (found = messages.find((m) => m.type === type && match(m))) !== undefined, `a '${type}' message`, timeoutMs);
      return found;
    },
  };
  return socket;
}

/**
 * Every partition's offsets are consecutive from its first (no gap, no duplicate) and,
 * where `from` gives a start, start there. Returns the offsets per partition.
 */
export function expectDense(records: any[], from: Record<number, number> = {}): Map<number, number[]> {
  const byPartition = new Map<number, number[]>();
  for (const r of records) {
    let list = byPartition.get(r.partition);
    if (!list) byPartition.set(r.partition, (list = []));
    list.push(r.offset);
  }
  for (const [partition, offsets] of byPartition) {
    const start = from[partition] ?? offsets[0]!;
    offsets.forEach((offset, i) => {
      if (offset !== start + i) {
        throw new Error(`partition ${partition}: expected offset ${start + i} at position ${i}, got ${offset} (gap or duplicate)`);
      }
    });
  }
  return byPartition;
}
