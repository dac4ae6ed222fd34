/** A Server-Sent Events reader for tests: fetch's streamed body parsed as WHATWG's EventSource parses it. */
export interface SseEvent {
  /** The `event:` field; `message` when absent. */
  event: string;
  /** The last `id:` seen so far (what an EventSource would send as Last-Event-ID). */
  id: string | undefined;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** The last event id, including ids of events without data (EventSource keeps those too). */
  lastEventId: string | undefined;
  retry: number | undefined;
  ended: boolean;
  /** Waits for the n-th dispatched event (0-based) and returns it. */
  next(predicate?: (e: SseEvent) => boolean): Promise<SseEvent>;
  /** Waits until `count` events of type message have arrived. */
  records(count: number): Promise<any[]>;
  close(): void;
}

export async function openEvents(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const stream: SseStream = {
    status: res.status,
    headers: res.headers,
    events: [],
    comments: [],
    lastEventId: undefined,
    retry: undefined,
    ended: false,
    next: async () => {
      throw new Error('not an event stream');
    },
    records: async () => [],
    close: () => abort.abort(),
  };
  if (res.status !== 200 || !res.body) return stream;
  let wake: () => void = () => {};
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const notify = () => {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };
  let seen = 0;
  stream.next = async (predicate = () => true) => {
    for (;;) {
      while (seen < stream.events.length) {
        const e = stream.events[seen++]!;
        if (predicate(e)) return e;
      }
      if (stream.ended) throw new Error('the stream ended');
      await changed;
    }
  };
  stream.records = async (count) => {
    for (;;) {
      const records = stream.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data));
      if (records.length >= count) return records;
      if (stream.ended) throw new Error(`the stream ended after ${records.length} of ${count} records`);
      await changed;
    }
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    let data: string[] = [];
    let event = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (data.length > 0) stream.events.push({ event: event || 'message', id: stream.lastEventId, data: data.join('\n') });
            data = [];
            event = '';
            continue;
          }
          if (line.startsWith(':')) {
            stream.comments.push(line.slice(1).trim());
            continue;
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') data.push(value);
          else if (field === 'event') event = value;
          else if (field === 'id') stream.lastEventId = value;
          else if (field === 'retry') stream.retry = Number(value);
        }
        notify();
      }
    } catch {
      // Aborted by close(), or the connection dropped.
    }
    stream.ended = true;
    notify();
  })();
  return stream;
}
