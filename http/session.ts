// Who is asking: a bearer token (API clients) or the session cookies (the web pages), which refresh themselves when
// the short-lived access cookie has expired. Cookie-authenticated unsafe requests must pass the CSRF checks.
import { createHmac, timingSafeEqual } from "node:crypto";
import { authenticate, type Caller, refresh, type SignedIn, type TokenPair } from "../services/auth.ts";
import { type App, authDeps } from "../services/app.ts";
import { AuthenticationError, DomainError, ForbiddenError } from "../services/errors.ts";
import { UNREAD_CAP } from "../services/notifications.ts";
import { REFRESH_TTL_MS } from "../services/tokens.ts";

export interface SessionState {
  caller: Caller | null;
  /** How the caller proved who they are. */
  via: "bearer" | "cookie" | null;
  /** A bearer token was sent but is not valid: protected routes answer 401 rather than treat it as anonymous. */
  badBearer: boolean;
  /** Cookies to set on the response (a self-refreshed session, a new CSRF seed). */
  setCookies: string[];
  /** The value this visitor's CSRF token is bound to ("" until a page with a form needs one). */
  csrfSeed: string;
  secure: boolean;
}

export function isSecure(url: URL, app: App): boolean {
  return (app.config.origin ?? url.origin).startsWith("https:");
}

/** Cookie names: the `__Host-` prefix over https pins them to this host, path / and Secure. */
export function cookieNames(secure: boolean) {
  const p = secure ? "__Host-" : "";
  return { access: `${p}prok_at`, refresh: `${p}prok_rt`, csrf: `${p}prok_csrf`, flash: `${p}prok_flash` };
}

export function cookie(name: string, value: string, secure: boolean, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

/** The Set-Cookie values that start a web session from a sign-in. */
export function sessionCookies(pair: TokenPair, secure: boolean): string[] {
  const names = cookieNames(secure);
  return [
    cookie(names.access, pair.accessToken, secure, pair.expiresIn),
    cookie(names.refresh, pair.refreshToken, secure, Math.floor(REFRESH_TTL_MS / 1000)),
  ];
}

/** The Set-Cookie values that end a web session. */
export function clearedSessionCookies(secure: boolean): string[] {
  const names = cookieNames(secure);
  return [cookie(names.access, "", secure, 0), cookie(names.refresh, "", secure, 0)];
}

export function readCookie(req: Request, name: string): string | undefined {
  return readCookies(req).get(name);
}

function readCookies(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** Works out the caller of a request; refreshes an expired web session when its refresh cookie is still good. */
export async function resolveSession(req: Request, url: URL, app: App, ip: string): Promise<SessionState> {
  const secure = isSecure(url, app);
  const names = cookieNames(secure);
  const cookies = readCookies(req);
  const seed = cookies.get(names.csrf) ?? "";
  const state: SessionState = {
    caller: null,
    via: null,
    badBearer: false,
    setCookies: [],
    csrfSeed: /^[A-Za-z0-9_-]{32}$/.test(seed) ? seed : "",
    secure,
  };

  const authorization = req.headers.get("authorization");
  if (authorization !== null) {
    // Auth schemes are case-insensitive (RFC 9110 §11.1): "bearer" and "BEARER" are Bearer.
    const token = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization)?.[1];
    state.caller = token ? await authenticate(authDeps(app), token) : null;
    state.via = state.caller ? "bearer" : null;
    state.badBearer = !state.caller;
    return state;
  }

  // Cookies mean pages, whose header shows the unread count: it comes with the session, in the same read.
  const access = cookies.get(names.access);
  if (access) state.caller = await authenticate(authDeps(app), access, UNREAD_CAP);
  if (!state.caller) {
    const refreshToken = cookies.get(names.refresh);
    if (refreshToken) {
      let renewed: SignedIn | null = null;
      try {
        renewed = await refresh(authDeps(app), refreshToken, { ip });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
      }
      if (renewed) {
        state.caller = await authenticate(authDeps(app), renewed.accessToken, UNREAD_CAP);
        state.setCookies.push(...sessionCookies(renewed, secure));
      } else {
        state.setCookies.push(...clearedSessionCookies(secure));
      }
    }
  }
  state.via = state.caller ? "cookie" : null;
  return state;
}

/** The signed-in caller, or a 401. */
export function requireCaller(session: SessionState): Caller {
  if (!session.caller) {
    throw new AuthenticationError(session.badBearer ? "The access token is not valid." : "Sign in to continue.");
  }
  return session.caller;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether a request's method only reads (no CSRF check, no write to record). */
export function isSafeMethod(method: string): boolean {
  return SAFE.has(method);
}

// Synchronous (node:crypto): every signed-in page renders a token, and WebCrypto's async call costs more than the HMAC.
function tokenFor(app: App, seed: string): string {
  return createHmac("sha256", app.keys.csrf).update(seed).digest("base64url");
}

/**
 * Refuses a cross-site unsafe request: `Sec-Fetch-Site: cross-site`, an `Origin` that is not ours, or a missing or
 * wrong synchronizer token. The API asks this only of cookie-authenticated requests (a browser never attaches a
 * bearer token by itself, and an anonymous JSON call carries no ambient authority); forms ask it of everyone, sign-in
 * included, so nobody can be signed in to someone else's account.
 */
export function assertSameSite(
  req: Request,
  url: URL,
  app: App,
  session: SessionState,
  token: string | null,
  scope: "cookie-sessions" | "everyone",
): void {
  if (isSafeMethod(req.method) || session.via === "bearer") return;
  if (scope === "cookie-sessions" && session.via !== "cookie") return;
  const refuse = () =>
    new ForbiddenError("This request did not come from Prok's own pages. Reload the page and try again.");
  if (req.headers.get("sec-fetch-site") === "cross-site") throw refuse();
  const origin = req.headers.get("origin");
  const ours = app.config.origin ?? url.origin;
  if (origin !== null && origin !== ours) throw refuse();
  if (!token || !session.csrfSeed || !sameText(token, tokenFor(app, session.csrfSeed))) throw refuse();
}

/**
 * The CSRF token for this visitor's forms and cookie-authenticated API calls. The first page that needs one gives
 * the visitor the seed cookie it is bound to; pages without forms set no cookie at all.
 */
function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function csrfToken(app: App, session: SessionState): Promise<string> {
  if (!session.csrfSeed) {
    session.csrfSeed = crypto.randomUUID().replace(/-/g, "");
    session.setCookies.push(cookie(cookieNames(session.secure).csrf, session.csrfSeed, session.secure, 31_536_000));
  }
  return Promise.resolve(tokenFor(app, session.csrfSeed));
}
