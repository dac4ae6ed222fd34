/**
 * What the gateway holds right now, read when Prometheus scrapes (prom-client `collect`), never
 * counted on the request path: produce bytes waiting for a commit, waiting long-polls, open
 * connections, WebSocket sockets, their subscriptions and send buffers.
 */
import { Gauge, type Registry } from 'prom-client';

export interface LoadSources {
  pendingProduceBytes(): number;
  waitingLongPolls(): number;
  /** Open TCP connections, HTTP and WebSocket together (the server's own count). */
  connections(): Promise<number>;
  sockets(): { sockets: number; subscriptions: number; bufferedBytes: number };
}

export function loadGauges(registry: Registry, sources: LoadSources): void {
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number | Promise<number>) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.set(await read());
      },
    });
  gauge('logway_pending_produce_bytes', 'Record bytes waiting for the next group commit (bounded by maxPendingProduceBytes).', () =>
    sources.pendingProduceBytes(),
  );
  gauge('logway_long_polls_waiting', 'Fetches and group polls waiting for a record (waitMs).', () => sources.waitingLongPolls());
  gauge('logway_connections', 'Open TCP connections, HTTP and WebSocket together (bounded by maxConnections).', () => sources.connections());
  gauge('logway_ws_sockets', 'Open WebSocket sockets (bounded by wsMaxConnections).', () => sources.sockets().sockets);
  gauge('logway_ws_subscriptions', 'Topics streamed by the open WebSocket sockets.', () => sources.sockets().subscriptions);
  gauge('logway_ws_buffered_bytes', "Bytes waiting in the WebSocket sockets' send buffers.", () => sources.sockets().bufferedBytes);
}
