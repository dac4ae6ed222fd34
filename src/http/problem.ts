/**
 * Errors become HTTP responses here: the validation hook and the app's error handler
 * both answer with RFC 9457 problem details (src/api/problem-details.ts), whose status
 * comes from the one code table in src/api/problem-codes.ts (shared with the WebSocket
 * close codes). SQL and stack traces never leave the process.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { problemResponse } from '../api/problem-details.js';
import { validationError } from '../api/validation-error.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { problemHeaders } from './problem-headers.js';

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
    if (err instanceof GatewayError) return problemResponse(err, problemHeaders(err));
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
