/**
 * Headers that go with some problems: Retry-After for back-pressure and quotas, the IETF
 * RateLimit fields for quotas (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` and
 * `RateLimit`, structured fields), and `WWW-Authenticate: Bearer` for 401 (RFC 6750 3).
 */
import { ErrorCode, type GatewayError } from '../errors.js';
import type { QuotaUse } from '../auth/security.js';

export function problemHeaders(err: GatewayError): Record<string, string> {
  const headers: Record<string, string> = {};
  const retryAfter = err.details.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  const quota = err.details.quota as QuotaUse | undefined;
  if (quota) Object.assign(headers, rateLimitHeaders(quota));
  if (err.code === ErrorCode.UNAUTHORIZED) {
    // A credential that was sent and failed is `invalid_token`; none at all gets the bare challenge.
    headers['www-authenticate'] = /required/.test(err.message) ? 'Bearer realm="logway"' : 'Bearer realm="logway", error="invalid_token"';
  }
  return headers;
}

export function rateLimitHeaders(use: QuotaUse): Record<string, string> {
  return {
    'ratelimit-policy': `"${use.policy}";q=${use.limit};w=1`,
    ratelimit: `"${use.policy}";r=${use.remaining};t=${use.retryAfterSeconds ?? 0}`,
  };
}
