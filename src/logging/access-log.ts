/**
 * The request log and the WebSocket log: one `info` line per HTTP request once answered, and
 * one when a socket opens and when it closes (code, reason, who closed it). Lines carry the
 * request id, so a socket's lines match its handshake's. URLs have `access_token` redacted;
 * bodies, headers and records are never logged.
 */
import type { Logger } from 'pino';
import type { ObservedRequest } from '../http/request-observer.js';
import type { SocketClosed, SocketOpened } from '../ws/socket-observer.js';

export function requestLog(logger: Logger): (request: ObservedRequest) => void {
  return (r) => {
    if (!logger.isLevelEnabled('info')) return;
    logger.info(
      {
        reqId: r.requestId,
        method: r.method,
        route: r.route,
        url: r.url,
        status: r.status,
        durationMs: Math.round(r.durationMs * 1000) / 1000,
        bytesIn: r.bytesIn,
        bytesOut: r.bytesOut,
        ...(r.aborted ? { aborted: true } : {}),
      },
      `${r.method} ${r.route} ${r.status}`,
    );
  };
}

export function socketLog(logger: Logger): { opened(s: SocketOpened): void; closed(s: SocketClosed): void } {
  return {
    opened(s) {
      logger.info({ reqId: s.requestId, path: s.path }, 'websocket open');
    },
    closed(s) {
      logger.info(
        { reqId: s.requestId, path: s.path, code: s.code, reason: s.reason, by: s.by, durationMs: Math.round(s.durationMs) },
        `websocket close ${s.code}`,
      );
    },
  };
}
