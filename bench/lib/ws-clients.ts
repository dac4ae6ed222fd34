/**
 * Many `ws` client sockets in this process. Progress is read from each frame
 * without parsing it: the last `"offset":N` in a records frame is the socket's
 * position (offsets are dense and in order within a partition), so 1,000
 * sockets cost the load generator a byte search per frame, not a JSON parse.
 */
import WebSocket from 'ws';

const OFFSET = Buffer.from('"offset":');
const RECORDS_FRAME = Buffer.from('{"type":"records"');

function digitsAt(frame: Buffer, at: number): number {
  let n = 0;
  for (let i = at; i < frame.length; i++) {
    const c = frame[i]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

export function isRecordsFrame(frame: Buffer): boolean {
  return frame.subarray(0, RECORDS_FRAME.length).equals(RECORDS_FRAME);
}

/** The last offset in a records frame, or -1 for any other message. */
export function lastOffsetIn(frame: Buffer): number {
  if (!isRecordsFrame(frame)) return -1;
  const at = frame.lastIndexOf(OFFSET);
  return at < 0 ? -1 : digitsAt(frame, at + OFFSET.length);
}

/** The first offset in a records frame, or -1 for any other message. */
export function firstOffsetIn(frame: Buffer): number {
  if (!isRecordsFrame(frame)) return -1;
  const at = frame.indexOf(OFFSET);
  return at < 0 ? -1 : digitsAt(frame, at + OFFSET.length);
}

const SUBSCRIBED = Buffer.from('{"type":"subscribed"');

export function isSubscribedFrame(frame: Buffer): boolean {
  return frame.subarray(0, SUBSCRIBED.length).equals(SUBSCRIBED);
}

export function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Opens `count` sockets, `parallel` handshakes at a time; rejects if any fails. */
export async function openSockets(
  url: string,
  count: number,
  onMessage: (index: number, frame: Buffer, ws: WebSocket) => void,
  parallel = 100,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = new Array(count);
  let next = 0;
  const opener = async () => {
    while (next < count) {
      const index = next++;
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        sockets[index] = ws;
        ws.on('message', (data) => onMessage(index, toBuffer(data), ws));
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`${url}: HTTP ${res.statusCode}`)));
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, opener));
  return sockets;
}

export async function closeSockets(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    ),
  );
}

/** Resolves when `done()` holds, polling every 5 ms; rejects after `timeoutMs`. */
export function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      if (done()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}
