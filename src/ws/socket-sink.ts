/** What a session needs from a socket: handler.ts/hub.ts bind it to `ws`, tests to a hand-drained buffer. */
import type { FrameParts } from './records-frame.js';

/** A text message: whole, or in parts sent as fragments of one message. */
export type OutboundFrame = string | Buffer | FrameParts;

export interface SocketSink {
  /** Sends one text message; `onFlushed` runs once it has left the process (or the socket is gone). */
  send(frame: OutboundFrame, onFlushed: () => void): void;
  /** Bytes accepted by send() and not yet handed to the network. */
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

export function frameBytes(frame: OutboundFrame): number {
  if (typeof frame === 'string') return Buffer.byteLength(frame);
  if (Buffer.isBuffer(frame)) return frame.byteLength;
  let bytes = 0;
  for (const part of frame) bytes += part.byteLength;
  return bytes;
}
