/**
 * Errors become HTTP here and only here: one table maps each GatewayError code
 * to a status, and every error leaves as RFC 9457 problem details
 * (`application/problem+json`) with `type`, `title`, `status`, `detail`, the
 * stable `code`, and for validation the failing fields in `errors`.
 * SQL and stack traces never leave the process.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { ErrorCode, GatewayError, type FieldError } from '../errors.js';

export const statusOf: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  INVALID_PARTITIONS: 400,
  OFFSET_OUT_OF_RANGE: 416,
  TOPIC_NOT_FOUND: 404,
  PARTITION_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  MEMBER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UPGRADE_REQUIRED: 426,
  TOPIC_ALREADY_EXISTS: 409,
  FENCED_MEMBER: 409,
  NOT_PARTITION_OWNER: 409,
  GROUP_NOT_EMPTY: 409,
  GROUP_FULL: 409,
  RECORD_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNAUTHORIZED: 401,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

const titleOf: Record<ErrorCode, string> = {
  INVALID_REQUEST: 'Invalid request',
  INVALID_PARTITIONS: 'Invalid partition count',
  OFFSET_OUT_OF_RANGE: 'Offset out of range',
  TOPIC_NOT_FOUND: 'Topic not found',
  PARTITION_NOT_FOUND: 'Partition not found',
  GROUP_NOT_FOUND: 'Group not found',
  MEMBER_NOT_FOUND: 'Member not found',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  UPGRADE_REQUIRED: 'Upgrade required',
  TOPIC_ALREADY_EXISTS: 'Topic already exists',
  FENCED_MEMBER: 'Member fenced',
  NOT_PARTITION_OWNER: 'Partition not owned by member',
  GROUP_NOT_EMPTY: 'Group not empty',
  GROUP_FULL: 'Group full',
  RECORD_TOO_LARGE: 'Record too large',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency-Key reused',
  UNAUTHORIZED: 'Unauthorized',
  UNAVAILABLE: 'Service unavailable',
  INTERNAL: 'Internal server error',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `TOPIC_NOT_FOUND` -> `urn:logway:problem:topic-not-found`: a stable URI per problem type (RFC 9457 3.1.1). */
export function problemType(code: ErrorCode): string {
  return `urn:logway:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function toProblem(err: GatewayError): ProblemDocument {
  return {
    type: problemType(err.code),
    title: titleOf[err.code],
    status: statusOf[err.code],
    detail: err.message,
    code: err.code,
    ...err.details,
  };
}

export function problemResponse(err: GatewayError, headers: Record<string, string> = {}): Response {
  const body = toProblem(err);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

/** zod issues -> field errors with paths like `body/records/0/partition` and a sentence naming the first. */
export function validationError(target: string, error: ZodError): GatewayError {
  const errors: FieldError[] = error.issues.map((issue) => ({
    path: [target, ...issue.path.map(String)].join('/'),
    message: issue.message,
  }));
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new GatewayError(ErrorCode.INVALID_REQUEST, `${first.path}: ${first.message}${more}`, { errors });
}

const TARGET_NAME: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' };

/** The zod-openapi defaultHook: every validation failure becomes a 400 problem. */
export function validationHook(
  result: { success: true; data: unknown; target: string } | { success: false; error: ZodError; target: string },
  _c: Context,
): Response | undefined {
  if (result.success) return undefined;
  return problemResponse(validationError(TARGET_NAME[result.target] ?? result.target, result.error));
}

/** app.onError: known errors keep their code; anything else is a 500 without internals. */
export function errorHandler(onUnexpected: (err: unknown) => void) {
  return (err: Error, _c: Context): Response => {
    if (err instanceof GatewayError) {
      const retryAfter = err.details.retryAfterSeconds;
      return problemResponse(err, typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {});
    }
    if (err instanceof HTTPException) {
      // hono's own validators throw these, e.g. for a body that is not JSON.
      const status = err.status;
      const code =
        status === 413 ? ErrorCode.PAYLOAD_TOO_LARGE : status === 415 ? ErrorCode.UNSUPPORTED_MEDIA_TYPE : ErrorCode.INVALID_REQUEST;
      const message = /json/i.test(err.message) ? 'request body is not valid JSON' : err.message || 'invalid request';
      const isInvalid = code === ErrorCode.INVALID_REQUEST;
      return problemResponse(
        new GatewayError(code, isInvalid ? `body: ${message}` : message, isInvalid ? { errors: [{ path: 'body', message }] } : {}),
      );
    }
    onUnexpected(err);
    return problemResponse(new GatewayError(ErrorCode.INTERNAL, 'the gateway failed to handle this request; it has been logged'));
  };
}
