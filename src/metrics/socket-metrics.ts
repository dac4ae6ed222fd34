/** WebSocket sockets opened and closed (by close code and side), and those closed for being too slow. */
import { Counter, type Registry } from 'prom-client';
import type { SocketObserver } from '../ws/socket-observer.js';

/** RFC 6455 1008 is what a session sends a socket whose send buffer passed wsMaxBufferedBytes. */
const TOO_SLOW = 1008;

/** The server's codes come from a fixed table; a client may send any of 3000-4999, so those share `other`. */
function codeLabel(socket: { code: number; by: 'server' | 'client' }): string {
  return socket.by === 'server' || socket.code < 3000 ? String(socket.code) : 'other';
}

export function socketMetrics(registry: Registry, onDelivered: SocketObserver['delivered']): SocketObserver {
  const registers = [registry];
  const opened = new Counter({ name: 'logway_ws_sockets_opened_total', help: 'WebSocket sockets opened.', registers });
  const closed = new Counter({
    name: 'logway_ws_sockets_closed_total',
    help: 'WebSocket sockets closed, by close code and by the side that ended them (server, client).',
    labelNames: ['code', 'by'],
    registers,
  });
  const slow = new Counter({
    name: 'logway_ws_slow_closes_total',
    help: 'WebSocket sockets the server closed (1008) because their send buffer passed wsMaxBufferedBytes.',
    registers,
  });
  return {
    opened() {
      opened.inc();
    },
    closed(socket) {
      closed.inc({ code: codeLabel(socket), by: socket.by });
      if (socket.by === 'server' && socket.code === TOO_SLOW) slow.inc();
    },
    delivered: onDelivered,
  };
}
