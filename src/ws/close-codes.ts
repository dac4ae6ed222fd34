/**
 * Close codes. RFC 6455 7.4.1 codes where one fits; for errors that end a socket's
 * subscription (e.g. the topic in its URL does not exist) 4000 + the HTTP status the
 * same GatewayError code has in REST (4404, 4400, 4416, 4409, 4401...), so one table
 * (api/problem-codes.ts) defines both. The close reason always says why, in words.
 */
import type { GatewayError } from '../errors.js';
import { statusOf } from '../api/problem-codes.js';

export const CloseCode = {
  /** The client closed, or the server ended a socket with nothing wrong. */
  NORMAL: 1000,
  /** The gateway is shutting down. */
  GOING_AWAY: 1001,
  /** Data the protocol cannot accept (a binary frame). */
  UNSUPPORTED_DATA: 1003,
  /** Too slow: the socket's send buffer went over wsMaxBufferedBytes. */
  POLICY_VIOLATION: 1008,
  /** An inbound frame over wsMaxMessageBytes (sent by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  /** wsMaxConnections reached. */
  TRY_AGAIN_LATER: 1013,
} as const;

export function closeCodeFor(err: GatewayError): number {
  return 4000 + statusOf[err.code];
}

/** Close reasons are limited to 123 bytes of UTF-8 (RFC 6455 5.5: control frame payload <= 125). */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let cut = text.slice(0, 120);
  while (Buffer.byteLength(cut) > 120) cut = cut.slice(0, -1);
  return cut + '...';
}
