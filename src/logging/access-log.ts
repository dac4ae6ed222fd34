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
  // Without the logger's redaction paths: every field of this line is a string or a number under a
  // fixed name that is no secret's, and the URL's access_token is redacted before it gets here, so the
  // paths (a wildcard walk over every field) never matched, yet cost ~40% of each line (profile, issue 9).
  const lines = logger.child({}, { redact: [] });
  return (r) => {
    if (!lines.isLevelEnabled('info')) return;
    // One object literal of a fixed shape (`aborted` is left out of the line when undefined, as pino
    // leaves out every undefined field), not a spread into a second object per line.
    lines.info(
      {
        reqId: r.requestId,
        method: r.method,
        route: r.route,
        url: r.url,
        status: r.status,
        durationMs: Math.round(r.durationMs * 1000) / 1000,
        bytesIn: r.bytesIn,
        bytesOut: r.bytesOut,
        aborted: r.aborted ? true : undefined,
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
