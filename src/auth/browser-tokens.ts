/**
 * Scoped tokens the gateway signs itself (POST /v1/tokens): what a web backend hands to a browser.
 * A JWT (HS256) with the key id `logway`, signed by a secret kept in the store, so tokens outlive
 * a restart. A token never grants more than its creator held when it was minted, and dies with
 * the API key that minted it (checked at every use).
 */
import { jwtVerify, SignJWT, decodeProtectedHeader } from 'jose';
import { ErrorCode, GatewayError } from '../errors.js';
import type { Permission } from './permissions.js';
import { Principal } from './principal.js';

export const TOKEN_KEY_ID = 'logway';
const ISSUER = 'logway';

interface TokenClaims {
  lw_perm?: unknown;
  lw_key?: unknown;
}

export class BrowserTokens {
  readonly #secret: Uint8Array;
  readonly #keyExists: (id: string) => boolean;

  constructor(secret: Uint8Array, keyExists: (id: string) => boolean) {
    this.#secret = secret;
    this.#keyExists = keyExists;
  }

  /** Whether a bearer credential is one of these tokens (by its header's key id). */
  static isToken(text: string): boolean {
    try {
      return decodeProtectedHeader(text).kid === TOKEN_KEY_ID;
    } catch {
      return false;
    }
  }

  async mint(creator: Principal, permissions: Permission[], ttlSeconds: number, now: number): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = Math.floor(now / 1000);
    // A token minted by a token or a JWT dies no later than its creator's credential.
    const creatorEnd = creator.expiresAt === undefined ? Infinity : Math.floor(creator.expiresAt / 1000);
    const expiresAtSeconds = Math.min(issuedAt + ttlSeconds, creatorEnd);
    const expiresAt = expiresAtSeconds * 1000;
    const claims: TokenClaims = { lw_perm: permissions, ...(creator.keyId ? { lw_key: creator.keyId } : {}) };
    const token = await new SignJWT(claims as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256', kid: TOKEN_KEY_ID, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(creator.id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .sign(this.#secret);
    return { token, expiresAt };
  }

  /** The token's principal; throws UNAUTHORIZED for a bad signature, an expired token or a revoked creator. */
  async verify(token: string, now: number): Promise<Principal> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#secret, { issuer: ISSUER, algorithms: ['HS256'], currentDate: new Date(now) }));
    } catch (err) {
      throw new GatewayError(ErrorCode.UNAUTHORIZED, `invalid token: ${tokenProblem(err)}`);
    }
    const claims = payload as TokenClaims;
    const keyId = typeof claims.lw_key === 'string' ? claims.lw_key : undefined;
    if (keyId !== undefined && !this.#keyExists(keyId)) {
      throw new GatewayError(ErrorCode.UNAUTHORIZED, 'invalid token: the API key that minted it was revoked');
    }
    return new Principal({
      kind: 'token',
      id: `token:${payload.sub ?? 'unknown'}`,
      permissions: Array.isArray(claims.lw_perm) ? (claims.lw_perm as Permission[]) : [],
      expiresAt: (payload.exp ?? 0) * 1000,
      keyId,
    });
  }
}

/** jose's error, in words a client can act on (never the token itself). */
export function tokenProblem(err: unknown): string {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'it has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `claim ${(err as { claim?: string }).claim ?? ''} is not accepted`.replace('  ', ' ');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the signature does not verify';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'its algorithm is not accepted';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no key of the JWKS matches it';
    default:
      return 'it is malformed or cannot be verified';
  }
}
