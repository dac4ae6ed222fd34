/**
 * RFC 9457 problem details (`application/problem+json`) for a GatewayError: `type`,
 * `title`, `status`, `detail`, the stable `code`, and for validation the failing fields
 * in `errors`. REST errors and refused WebSocket handshakes answer with these.
 */
import type { ErrorCode, FieldError, GatewayError } from '../errors.js';
import { problemType, statusOf, titleOf } from './problem-codes.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Details extend the document; they never replace its standard members (a detail named `status` stays out). */
export function toProblem(err: GatewayError): ProblemDocument {
  return {
    ...err.details,
    type: problemType(err.code),
    title: titleOf[err.code],
    status: statusOf[err.code],
    detail: err.message,
    code: err.code,
  };
}

export function problemResponse(err: GatewayError, headers: Record<string, string> = {}): Response {
  const body = toProblem(err);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}
