/**
 * The entry point: one gateway, one credential. `subscribe` streams a topic over WebSocket
 * (subscription.ts); `produce` appends over REST and resolves with the acknowledgement once the
 * records are on disk, retrying what is safe to retry under one Idempotency-Key.
 */
import { Backoff, type BackoffOptions } from './backoff.js';
import { LogwayError } from './errors.js';
import { Subscription, type Connector, type SubscribeOptions } from './subscription.js';
import type { ProduceAck, ProduceRecord } from './types.js';

export interface LogwayOptions {
  /** The gateway, e.g. `https://logway.example.com`. Default: where this module was loaded from (the gateway serves it at /client/logway.js). */
  url?: string;
  /** A bearer credential (an API key or a token the page's backend minted), or a function answering a fresh one for every connection and request. */
  token?: string | (() => string | Promise<string>);
  /** Produce: attempts after the first for a network failure, 429 or 503 (default 5), and their delays. */
  produceRetries?: number;
  produceBackoff?: BackoffOptions;
}

export interface ProduceOptions {
  /** The Idempotency-Key (default: a random one per call, kept across its retries). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** Statuses after which the same request may succeed: too busy, or shutting down. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

function defaultUrl(): string {
  const here = new URL(import.meta.url);
  if (here.protocol !== 'http:' && here.protocol !== 'https:') {
    throw new LogwayError('NO_URL', 'new Logway({ url }): the gateway URL is needed when this module was not loaded from the gateway');
  }
  return here.origin;
}

export class Logway {
  readonly url: string;
  readonly #options: LogwayOptions;

  constructor(options: LogwayOptions = {}) {
    this.url = (options.url ?? defaultUrl()).replace(/\/+$/, '');
    this.#options = options;
  }

  /** Streams `topic`; add listeners at once (`sub.on('records', ...)`): it connects right after this returns. */
  subscribe<V = unknown>(topic: string, options: SubscribeOptions = {}): Subscription<V> {
    const connector: Connector = {
      socketUrl: (path, query, base = this.url) => `${base.replace(/\/+$/, '').replace(/^http/, 'ws')}${path}?${query}`,
      protocols: async () => {
        const token = await this.#token();
        // Browsers cannot set headers on a WebSocket: the credential rides as a subprotocol next to `logway`.
        return token === undefined ? ['logway'] : ['logway', `bearer.${token}`];
      },
      canRefreshToken: typeof this.#options.token === 'function',
    };
    return new Subscription<V>(topic, options, connector);
  }

  /** Appends `records` (one or many) to `topic`; resolves once they are on disk, with where each landed. */
  async produce<V = unknown>(topic: string, records: ProduceRecord<V> | ProduceRecord<V>[], options: ProduceOptions = {}): Promise<ProduceAck> {
    const body = JSON.stringify({ records: Array.isArray(records) ? records : [records] });
    const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
    const retries = this.#options.produceRetries ?? 5;
    const backoff = new Backoff(this.#options.produceBackoff);
    for (;;) {
      let response: Response;
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': idempotencyKey };
        const token = await this.#token();
        if (token !== undefined) headers.authorization = `Bearer ${token}`;
        response = await fetch(`${this.url}/v1/topics/${encodeURIComponent(topic)}/records`, { method: 'POST', headers, body, signal: options.signal });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        if (backoff.attempt >= retries) throw new LogwayError('NETWORK', `produce failed: ${err instanceof Error ? err.message : String(err)}`);
        await sleep(backoff.next());
        continue;
      }
      if (response.ok) {
        const answer = (await response.json()) as Omit<ProduceAck, 'replayed'>;
        return { records: answer.records, replayed: response.headers.get('idempotent-replayed') === 'true' };
      }
      const problem = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (RETRY_STATUSES.has(response.status) && backoff.attempt < retries) {
        // The gateway says when (Retry-After, seconds); else the backoff does.
        const after = Number(response.headers.get('retry-after'));
        await sleep(after > 0 ? after * 1000 : backoff.next());
        if (after > 0) backoff.next();
        continue;
      }
      const code = typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`;
      const message = String(problem.detail ?? problem.title ?? response.statusText);
      throw new LogwayError(code, message, response.status, problem);
    }
  }

  async #token(): Promise<string | undefined> {
    const token = this.#options.token;
    return typeof token === 'function' ? token() : token;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
