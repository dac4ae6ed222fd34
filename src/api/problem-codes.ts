/**
 * Each GatewayError code's HTTP status and title: the one table both transports use
 * (REST answers with the status; a WebSocket closed for an error uses 4000 + it, see
 * ws/close-codes.ts). A new code in src/errors.ts gets its row here.
 */
import type { ErrorCode } from '../errors.js';

export const statusOf: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  INVALID_PARTITIONS: 400,
  OFFSET_OUT_OF_RANGE: 416,
  INVALID_CURSOR: 400,
  SNAPSHOT_EXPIRED: 410,
  TOPIC_NOT_FOUND: 404,
  PARTITION_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  MEMBER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  SUBJECT_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  SCHEMA_NOT_FOUND: 404,
  INVALID_SCHEMA: 422,
  INCOMPATIBLE_SCHEMA: 409,
  RECORD_INVALID: 422,
  METHOD_NOT_ALLOWED: 405,
  UPGRADE_REQUIRED: 426,
  TOPIC_ALREADY_EXISTS: 409,
  FENCED_MEMBER: 409,
  NOT_PARTITION_OWNER: 409,
  GROUP_NOT_EMPTY: 409,
  GROUP_FULL: 409,
  TOO_MANY_GROUPS: 409,
  NOT_COORDINATOR: 503,
  RECORD_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  OVERLOADED: 503,
  NOT_SUPPORTED: 501,
  INTERNAL: 500,
};

export const titleOf: Record<ErrorCode, string> = {
  INVALID_REQUEST: 'Invalid request',
  INVALID_PARTITIONS: 'Invalid partition count',
  OFFSET_OUT_OF_RANGE: 'Offset out of range',
  INVALID_CURSOR: 'Invalid cursor',
  SNAPSHOT_EXPIRED: 'Snapshot expired',
  TOPIC_NOT_FOUND: 'Topic not found',
  PARTITION_NOT_FOUND: 'Partition not found',
  GROUP_NOT_FOUND: 'Group not found',
  MEMBER_NOT_FOUND: 'Member not found',
  NOT_FOUND: 'Not found',
  SUBJECT_NOT_FOUND: 'Subject not found',
  VERSION_NOT_FOUND: 'Version not found',
  SCHEMA_NOT_FOUND: 'Schema not found',
  INVALID_SCHEMA: 'Invalid schema',
  INCOMPATIBLE_SCHEMA: 'Incompatible schema',
  RECORD_INVALID: 'Record does not match its schema',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  UPGRADE_REQUIRED: 'Upgrade required',
  TOPIC_ALREADY_EXISTS: 'Topic already exists',
  FENCED_MEMBER: 'Member fenced',
  NOT_PARTITION_OWNER: 'Partition not owned by member',
  GROUP_NOT_EMPTY: 'Group not empty',
  GROUP_FULL: 'Group full',
  TOO_MANY_GROUPS: 'Too many groups',
  NOT_COORDINATOR: 'Not the group coordinator',
  RECORD_TOO_LARGE: 'Record too large',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency-Key reused',
  UNAUTHORIZED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  RATE_LIMITED: 'Too many requests',
  UNAVAILABLE: 'Service unavailable',
  OVERLOADED: 'Overloaded',
  NOT_SUPPORTED: 'Not supported by this store',
  INTERNAL: 'Internal server error',
};

/** `TOPIC_NOT_FOUND` -> `urn:logway:problem:topic-not-found`: a stable URI per problem type (RFC 9457 3.1.1). */
export function problemType(code: ErrorCode): string {
  return `urn:logway:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}
