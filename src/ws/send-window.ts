/**
 * A socket's flow control: how many records it may still be sent (credit) and whether its
 * send buffer is too full to send more (bytes). All bounds come from config.
 *
 * - Credit, in records. Until the client sends a `credit` command (or opens with
 *   `?credit=`), credit is automatic: at most wsDefaultCreditRecords records may sit in
 *   the process's send buffer, and credit comes back as frames reach the network. The
 *   first explicit grant turns that off: from then on the server sends only what the
 *   client has granted (grants add up).
 * - Bytes. Above wsHighWaterBytes buffered, the window is paused; it opens again once the
 *   buffer is half drained (or everything sent has left). Above wsMaxBufferedBytes the
 *   socket is too slow to keep (possible only when a single frame or reply crosses it, or
 *   when an operator sets it below wsHighWaterBytes to drop slow sockets rather than pause them).
 */
import type { Config } from '../config.js';
import type { OutboundFrame, SocketSink } from './socket-sink.js';

export type WindowSettings = Pick<Config, 'wsDefaultCreditRecords' | 'wsHighWaterBytes' | 'wsMaxBufferedBytes'>;

export interface WindowEvents {
  /** Sending may go on (credit came back or the buffer drained). */
  opened(): void;
  /** The send buffer passed wsMaxBufferedBytes: close the socket with this reason. */
  tooSlow(reason: string): void;
}

export class SendWindow {
  readonly #sink: SocketSink;
  readonly #settings: WindowSettings;
  readonly #events: WindowEvents;
  #credit: number;
  #autoCredit: boolean;
  #paused = false;
  #closed = false;
  #sentSeq = 0;

  constructor(sink: SocketSink, settings: WindowSettings, explicitCredit: number | undefined, events: WindowEvents) {
    this.#sink = sink;
    this.#settings = settings;
    this.#events = events;
    this.#autoCredit = explicitCredit === undefined;
    this.#credit = explicitCredit ?? settings.wsDefaultCreditRecords;
  }

  /** Records that may still be sent before more credit is needed. */
  get credit(): number {
    return this.#credit;
  }

  /** True while the socket's buffer is over the high-water mark. */
  get paused(): boolean {
    return this.#paused;
  }

  get open(): boolean {
    return !this.#closed && !this.#paused && this.#credit > 0;
  }

  /** No more sends (the socket is closing); flush callbacks are ignored from now on. */
  close(): void {
    this.#closed = true;
  }

  /** A client's credit grant (adds up). The first one turns automatic credit off. */
  grant(records: number): void {
    if (this.#autoCredit) {
      this.#autoCredit = false;
      this.#credit = 0;
    }
    this.#credit = Math.min(this.#credit + records, Number.MAX_SAFE_INTEGER);
  }

  /** Sends a frame holding `records` records (0 for replies), spending that much credit. */
  write(frame: OutboundFrame, records: number): void {
    const seq = ++this.#sentSeq;
    this.#credit -= records;
    this.#sink.send(frame, () => this.#flushed(seq, records));
    const buffered = this.#sink.bufferedAmount;
    const { wsMaxBufferedBytes, wsHighWaterBytes } = this.#settings;
    if (buffered > wsMaxBufferedBytes) {
      this.#events.tooSlow(`too slow: ${buffered} bytes waiting to be sent, over wsMaxBufferedBytes (${wsMaxBufferedBytes})`);
    } else if (buffered > wsHighWaterBytes) {
      this.#paused = true;
    }
  }

  #flushed(seq: number, records: number): void {
    if (this.#closed) return;
    if (this.#autoCredit) this.#credit += records;
    // Resume once the buffer is half drained, or everything sent so far has left.
    if (this.#paused && (seq === this.#sentSeq || this.#sink.bufferedAmount <= this.#settings.wsHighWaterBytes / 2)) {
      this.#paused = false;
    }
    if (this.open) this.#events.opened();
  }
}
