/**
 * The client went away before its answer was written: node's response closed unfinished. What
 * a long-poll waits on (with the gateway's shutdown), in place of the web Request's AbortSignal:
 * @hono/node-server makes that signal on first use, an AbortController and an EventTarget per
 * request, and making it, listening and unlistening cost ~15-20 µs on each of 10,000 parked
 * long-polls (measured, issue 9); this is one 'close' listener on the response, while anything listens.
 */
import type { ServerResponse } from 'node:http';
import type { AbortSource } from '../core/abort.js';

export class ClientGone implements AbortSource {
  readonly #response: ServerResponse;
  #listeners: (() => void)[] = [];
  readonly #onClose = () => {
    if (!this.aborted) return;
    const listeners = this.#listeners;
    this.#listeners = [];
    this.#response.off('close', this.#onClose);
    for (const listener of listeners) listener();
  };

  constructor(response: ServerResponse) {
    this.#response = response;
  }

  /** Closed before the answer was written (node's response is destroyed when its connection closes). */
  get aborted(): boolean {
    return this.#response.destroyed && !this.#response.writableFinished;
  }

  /** Every listener is called once, on the abort (so `once` is how they all are). */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.#listeners.length === 0) this.#response.on('close', this.#onClose);
    this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.#listeners.indexOf(listener);
    if (at < 0) return;
    this.#listeners.splice(at, 1);
    if (this.#listeners.length === 0) this.#response.off('close', this.#onClose);
  }
}
