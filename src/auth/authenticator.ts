/**
 * Turns a bearer credential into a Principal: the administrator key, an API key, a token the
 * gateway signed, or an identity provider's JWT, told apart by their form.
 *
 * Authentication is on when an administrator key or a JWT setting is given. With neither, every
 * request acts as ANONYMOUS (all permissions), which protected-mode.ts allows only on loopback.
 */
import { timingSafeEqual } from 'node:crypto';
import { ErrorCode, GatewayError } from '../errors.js';
import { KeyRing, sha256 } from './api-keys.js';
import { BrowserTokens } from './browser-tokens.js';
import type { JwtVerifier } from './jwt-verifier.js';
import { ADMIN, ANONYMOUS, type Principal } from './principal.js';

export interface AuthenticatorDeps {
  adminKey: string | undefined;
  keys: KeyRing;
  tokens: BrowserTokens;
  jwt: JwtVerifier | undefined;
  now: () => number;
}

export class Authenticator {
  readonly #deps: AuthenticatorDeps;
  readonly #adminHash: Buffer | undefined;

  constructor(deps: AuthenticatorDeps) {
    this.#deps = deps;
    this.#adminHash = deps.adminKey === undefined ? undefined : sha256(deps.adminKey);
  }

  /** Whether requests need a credential. */
  get enabled(): boolean {
    return this.#adminHash !== undefined || this.#deps.jwt !== undefined;
  }

  get keys(): KeyRing {
    return this.#deps.keys;
  }

  get tokens(): BrowserTokens {
    return this.#deps.tokens;
  }

  /** The principal for `credential` (the bearer value); throws UNAUTHORIZED when it proves nothing. */
  async authenticate(credential: string | undefined): Promise<Principal> {
    if (!this.enabled) return ANONYMOUS;
    if (credential === undefined || credential === '') {
      throw new GatewayError(ErrorCode.UNAUTHORIZED, 'a credential is required: send Authorization: Bearer <key or token>');
    }
    // API keys first (the common case): one hash per request, not two.
    if (KeyRing.isKey(credential)) {
      const principal = this.#deps.keys.verify(credential);
      if (!principal) throw new GatewayError(ErrorCode.UNAUTHORIZED, 'invalid API key: unknown, revoked or wrong');
      return principal;
    }
    if (this.#adminHash && timingSafeEqual(sha256(credential), this.#adminHash)) return ADMIN;
    const now = this.#deps.now();
    if (BrowserTokens.isToken(credential)) return this.#deps.tokens.verify(credential, now);
    if (this.#deps.jwt) return this.#deps.jwt.verify(credential, now);
    throw new GatewayError(ErrorCode.UNAUTHORIZED, 'invalid credential: not a key or token this gateway accepts');
  }
}

/** The credential in an `Authorization: Bearer <credential>` header (RFC 6750 2.1), if any. */
export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}
