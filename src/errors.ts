/**
 * One error type for the whole gateway, with a closed set of codes.
 * Clients branch on `code`, never on message text. No HTTP status lives here:
 * transports map codes to their own vocabulary (api/problem-codes.ts: HTTP statuses, from which the ws close codes derive).
 */
export const ErrorCode = {
  /** Input failed validation; `details.errors` lists the fields. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  TOPIC_NOT_FOUND: 'TOPIC_NOT_FOUND',
  TOPIC_ALREADY_EXISTS: 'TOPIC_ALREADY_EXISTS',
  PARTITION_NOT_FOUND: 'PARTITION_NOT_FOUND',
  /** Partition counts only grow (Kafka's rule: keys would move otherwise). */
  INVALID_PARTITIONS: 'INVALID_PARTITIONS',
  /** Requested offset outside [logStartOffset, highWatermark]. */
  OFFSET_OUT_OF_RANGE: 'OFFSET_OUT_OF_RANGE',
  /** A cursor that is malformed, of another topic (or an earlier topic of that name), or names partitions or offsets the topic lacks. */
  INVALID_CURSOR: 'INVALID_CURSOR',
  /** A page of a snapshot that ended (its lease ran out, or the gateway restarted): take a new snapshot. */
  SNAPSHOT_EXPIRED: 'SNAPSHOT_EXPIRED',
  RECORD_TOO_LARGE: 'RECORD_TOO_LARGE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** Same Idempotency-Key, different request body. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  GROUP_NOT_FOUND: 'GROUP_NOT_FOUND',
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  /** The member was expelled or left, or names a stale epoch (KIP-848 FENCED_MEMBER_EPOCH). */
  FENCED_MEMBER: 'FENCED_MEMBER',
  /** The member commits or reads a partition it does not own. */
  NOT_PARTITION_OWNER: 'NOT_PARTITION_OWNER',
  /** The operation needs a group without members. */
  GROUP_NOT_EMPTY: 'GROUP_NOT_EMPTY',
  /** The group has `groupMaxMembers` members already. */
  GROUP_FULL: 'GROUP_FULL',
  /** The gateway has `groupMaxGroups` groups already: a new one cannot be created. */
  TOO_MANY_GROUPS: 'TOO_MANY_GROUPS',
  /** Another gateway coordinates the group (`details.coordinator`: its URL, when it advertises one); retry there or later. */
  NOT_COORDINATOR: 'NOT_COORDINATOR',
  NOT_FOUND: 'NOT_FOUND',
  /** Schema registry: no such subject (or it has only soft-deleted versions). */
  SUBJECT_NOT_FOUND: 'SUBJECT_NOT_FOUND',
  /** Schema registry: the subject has no such version. */
  VERSION_NOT_FOUND: 'VERSION_NOT_FOUND',
  /** Schema registry: no schema with this id (or this content under the subject). */
  SCHEMA_NOT_FOUND: 'SCHEMA_NOT_FOUND',
  /** Schema registry: the schema does not parse, or a reference does not resolve. */
  INVALID_SCHEMA: 'INVALID_SCHEMA',
  /** Schema registry: the new version breaks the subject's compatibility level; `details.messages` says what broke. */
  INCOMPATIBLE_SCHEMA: 'INCOMPATIBLE_SCHEMA',
  /** Produce: a record does not match its topic's schema; `details.errors` lists each record's index, path and reason. */
  RECORD_INVALID: 'RECORD_INVALID',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** A plain request reached a WebSocket endpoint. */
  UPGRADE_REQUIRED: 'UPGRADE_REQUIRED',
  /** No credential, or one that proves nothing (unknown, revoked, expired, badly signed). */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** A valid credential without the grant this operation needs; `details` names the resource and action. */
  FORBIDDEN: 'FORBIDDEN',
  /** The principal is over a quota; retry after `retryAfterSeconds`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The gateway is shutting down or the store is closed. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** Back-pressure: too much is already waiting (e.g. maxPendingProduceBytes); retry after `retryAfterSeconds`. */
  OVERLOADED: 'OVERLOADED',
  /** The configured store cannot do this yet (e.g. compaction on the JetStream store): a limit of this deployment, not of the request. */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A field that failed validation: a JSON-pointer-like path and the reason. */
export interface FieldError {
  path: string;
  message: string;
}

export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly code: ErrorCode;
  /** Extra machine-readable members for the problem document (e.g. the valid offset range). */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

export function invalid(message: string, errors: FieldError[] = []): GatewayError {
  return new GatewayError(ErrorCode.INVALID_REQUEST, message, errors.length ? { errors } : {});
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}
