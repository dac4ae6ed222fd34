/**
 * Every failure the client reports: a problem details answer (REST), an `error` frame (WebSocket),
 * a close the client will not retry, or the network. `code` is the gateway's stable code
 * (TOPIC_NOT_FOUND, INVALID_CURSOR, ...) or NETWORK / CLOSED for what happened on the way.
 */
export class LogwayError extends Error {
  readonly code: string;
  /** The HTTP status (REST), or 4000 + status for a WebSocket close. */
  readonly status: number | undefined;
  /** The problem details or error frame as the gateway sent it. */
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, status?: number, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'LogwayError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}
