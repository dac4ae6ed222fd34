/**
 * Bearer JWTs from an identity provider: the gateway validates them, it does not host users.
 * HS256 with a shared secret, or RS256/ES256 with a public key file or a JWKS URL (jose fetches
 * and caches the key set). `iss` and `aud` are checked when set, `exp` and `nbf` always, with a
 * small clock-skew allowance. Permissions come from a documented claim (jwtPermissionsClaim).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ErrorCode, GatewayError } from '../errors.js';
import { tokenProblem } from './browser-tokens.js';
import { parsePermissions } from './permissions.js';
import { Principal } from './principal.js';

export interface JwtSettings {
  jwtSecret?: string;
  jwtPublicKeyFile?: string;
  jwtJwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  jwtClockToleranceSeconds: number;
  jwtPermissionsClaim: string;
}

export class JwtVerifier {
  readonly #key: Uint8Array | KeyObject | JWTVerifyGetKey;
  readonly #algorithms: string[];
  readonly #settings: JwtSettings;

  private constructor(key: Uint8Array | KeyObject | JWTVerifyGetKey, algorithms: string[], settings: JwtSettings) {
    this.#key = key;
    this.#algorithms = algorithms;
    this.#settings = settings;
  }

  /** The verifier the settings describe, or undefined when no JWT setting is given. */
  static fromSettings(settings: JwtSettings): JwtVerifier | undefined {
    if (settings.jwtSecret !== undefined) {
      return new JwtVerifier(new TextEncoder().encode(settings.jwtSecret), ['HS256'], settings);
    }
    if (settings.jwtPublicKeyFile !== undefined) {
      const pem = fs.readFileSync(settings.jwtPublicKeyFile, 'utf8');
      return new JwtVerifier(createPublicKey(pem), ['RS256', 'ES256'], settings);
    }
    if (settings.jwtJwksUrl !== undefined) {
      return new JwtVerifier(createRemoteJWKSet(new URL(settings.jwtJwksUrl)), ['RS256', 'ES256'], settings);
    }
    return undefined;
  }

  async verify(token: string, now: number): Promise<Principal> {
    const s = this.#settings;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#key as Uint8Array, {
        algorithms: this.#algorithms,
        clockTolerance: s.jwtClockToleranceSeconds,
        currentDate: new Date(now),
        ...(s.jwtIssuer !== undefined ? { issuer: s.jwtIssuer } : {}),
        ...(s.jwtAudience !== undefined ? { audience: s.jwtAudience } : {}),
      }));
    } catch (err) {
      throw new GatewayError(ErrorCode.UNAUTHORIZED, `invalid token: ${tokenProblem(err)}`);
    }
    const claim = payload[s.jwtPermissionsClaim];
    const permissions = claim === undefined ? [] : parsePermissions(claim);
    if (typeof permissions === 'string') {
      throw new GatewayError(ErrorCode.UNAUTHORIZED, `invalid token: claim ${s.jwtPermissionsClaim} ${permissions}`);
    }
    return new Principal({
      kind: 'jwt',
      id: `jwt:${payload.sub ?? 'unknown'}`,
      permissions,
      ...(payload.exp !== undefined ? { expiresAt: payload.exp * 1000 } : {}),
    });
  }
}
