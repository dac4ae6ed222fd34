/**
 * Answers on /registry speak the Confluent Schema Registry's dialect, because its clients parse
 * it: `application/vnd.schemaregistry.v1+json` bodies and errors as `{error_code, message}`,
 * where error_code is the registry's own (40401 subject not found, 42201 invalid schema, ...) or
 * the HTTP status when it has none. Problem details stay the rule everywhere else.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { statusOf } from '../api/problem-codes.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { problemHeaders } from './problem-headers.js';

export const REGISTRY_PREFIX = '/registry';
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export const isRegistryPath = (path: string) => path === REGISTRY_PREFIX || path.startsWith(`${REGISTRY_PREFIX}/`);

export function registryJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': REGISTRY_CONTENT_TYPE } });
}

export function registryErrorResponse(err: GatewayError): Response {
  const registryCode = err.details.registryCode;
  // The registry's codes are the HTTP status followed by two digits (40401 is a 404), or the status itself.
  const code = typeof registryCode === 'number' ? registryCode : statusOf[err.code] === 500 ? 50001 : statusOf[err.code];
  const status = code >= 10_000 ? Math.floor(code / 100) : code;
  const headers = { 'content-type': REGISTRY_CONTENT_TYPE, ...problemHeaders(err) };
  return new Response(JSON.stringify({ error_code: code, message: err.message }), { status, headers });
}

/** app.onError for /registry paths: what errorHandler does, in the registry's shape. */
export function registryErrorHandler(onUnexpected: (err: unknown) => void) {
  return (err: Error, _c: Context): Response => {
    if (err instanceof GatewayError) return registryErrorResponse(err);
    if (err instanceof HTTPException) {
      return registryErrorResponse(new GatewayError(ErrorCode.INVALID_REQUEST, /json/i.test(err.message) ? 'request body is not valid JSON' : err.message, { registryCode: err.status }));
    }
    onUnexpected(err);
    return registryErrorResponse(new GatewayError(ErrorCode.INTERNAL, 'the gateway failed to handle this request; it has been logged'));
  };
}
