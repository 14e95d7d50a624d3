// Access tokens (RFC 9068 style JWTs, RFC 8725 rules) and opaque refresh tokens.
import { errors, jwtVerify, SignJWT } from "jose";
import { sha256Hex } from "./crypto.ts";

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
const ALG = "HS256"; // the one algorithm: never read from the token's header
const TYP = "at+jwt";

export interface AccessClaims {
  /** Member id. */
  sub: string;
  /** Session (refresh family) id: revoking the family cuts this token at once. */
  sid: string;
}

export interface TokenIssuer {
  issuer: string;
  audience: string;
  key: CryptoKey;
}

export function signAccessToken(t: TokenIssuer, claims: AccessClaims): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: ALG, typ: TYP })
    .setSubject(claims.sub)
    .setIssuer(t.issuer)
    .setAudience(t.audience)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TTL_SECONDS}s`)
    .setJti(crypto.randomUUID())
    .sign(t.key);
}

/**
 * Tokens this process verified, by their exact text, until they expire: a page view would otherwise spend more on
 * the HMAC check (an async WebCrypto call) than on rendering its header. Only a token that passed every check is
 * kept, and its session is still looked up on every request, so a revocation cuts it at once.
 */
const verified = new WeakMap<TokenIssuer, Map<string, { claims: AccessClaims; expiresAtMs: number }>>();
const VERIFIED_MAX = 10_000;

function remembered(t: TokenIssuer): Map<string, { claims: AccessClaims; expiresAtMs: number }> {
  let map = verified.get(t);
  if (!map) verified.set(t, map = new Map());
  return map;
}

/** The claims of a valid access token, or null for anything else (forged, expired, wrong audience, alg none...). */
export async function verifyAccessToken(t: TokenIssuer, token: string): Promise<AccessClaims | null> {
  if (token.length > 4096) return null;
  const cache = remembered(t);
  const hit = cache.get(token);
  if (hit) {
    if (Date.now() < hit.expiresAtMs) return hit.claims;
    cache.delete(token);
  }
  try {
    const { payload } = await jwtVerify(token, t.key, {
      algorithms: [ALG],
      issuer: t.issuer,
      audience: t.audience,
      typ: TYP,
      requiredClaims: ["sub", "exp", "iat", "sid"],
    });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return null;
    const claims = { sub: payload.sub, sid: payload.sid };
    if (cache.size >= VERIFIED_MAX) cache.delete(cache.keys().next().value!); // the oldest first
    cache.set(token, { claims, expiresAtMs: payload.exp! * 1000 });
    return claims;
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError || err instanceof SyntaxError) return null;
    throw err;
  }
}

/** 32 random bytes, base64url: a secret a client holds (refresh tokens, WebSocket tickets); only its hash is stored. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function hashRefreshToken(token: string): Promise<string> {
  return sha256Hex(token);
}
