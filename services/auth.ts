// Sign-up, sign-in, token refresh with rotation and reuse detection, sign-out, and turning an access token back
// into a member. Rules: QUALITY.md "Security requirements"; shapes: API.md "Auth".
import { AuthenticationError, ConflictError, RateLimitError } from "./errors.ts";
import type { PasswordHasher } from "./passwords.ts";
import { type RateLimiter, scaledLimit } from "./ratelimit/types.ts";
import type { Live } from "./realtime/events.ts";
import type { Role, Session, Store, User } from "./store/types.ts";
import {
  ACCESS_TTL_SECONDS,
  hashRefreshToken,
  randomToken,
  REFRESH_TTL_MS,
  signAccessToken,
  type TokenIssuer,
  verifyAccessToken,
} from "./tokens.ts";

export interface SecurityLog {
  (event: Record<string, unknown>): void;
}

export interface AuthDeps {
  store: Store;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  limiter: RateLimiter;
  /** Multiplies every limit (PROK_RATE_LIMIT_FACTOR). */
  limitFactor: number;
  log: SecurityLog;
  /** Closes the sockets of a session that ended, on every instance. */
  live: Pick<Live, "sessionEnded">;
}

/** Who is asking: the client address as the trusted proxy or the socket gave it. */
export interface Client {
  ip: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
  sessionId: string;
}

export interface SignedIn extends TokenPair {
  user: User;
}

const MINUTE = 60_000;
export const LIMITS = {
  failedLoginsPerAccount: 5,
  loginAttemptsPerAddress: { count: 100, windowMs: 15 * MINUTE },
  registrationsPerAddress: { count: 20, windowMs: 60 * MINUTE },
  failureWindowMs: 15 * MINUTE,
  maxLockMs: 15 * MINUTE,
};

const emailKey = (email: string) => email.trim().toLowerCase();

async function issue(deps: AuthDeps, user: User): Promise<TokenPair> {
  const refreshToken = randomToken();
  const session = await deps.store.createSession({
    userId: user.id,
    tokenHash: await hashRefreshToken(refreshToken),
    expiresAt: new Date(Date.now() + REFRESH_TTL_MS),
  });
  return {
    accessToken: await signAccessToken(deps.tokens, { sub: user.id, sid: session.id }),
    refreshToken,
    expiresIn: ACCESS_TTL_SECONDS,
    sessionId: session.id,
  };
}

async function limitAddress(deps: AuthDeps, key: string, limit: { count: number; windowMs: number }) {
  const w = await deps.limiter.hit(key, limit.windowMs);
  if (w.count > scaledLimit(limit.count, deps.limitFactor)) throw new RateLimitError(Math.ceil(w.resetInMs / 1000));
}

export interface Registration {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  role?: Exclude<Role, "admin">;
}

/** Creates a member and signs them in. Conflict (409) when the email is taken in any letter case. */
export async function register(deps: AuthDeps, input: Registration, client: Client): Promise<SignedIn> {
  await limitAddress(deps, `register:ip:${client.ip}`, LIMITS.registrationsPerAddress);
  const passwordHash = await deps.hasher.hash(input.password);
  let user: User;
  try {
    user = await deps.store.createUser({
      email: input.email.trim(),
      passwordHash,
      firstName: input.firstName,
      lastName: input.lastName,
      role: input.role ?? "member",
    });
  } catch (err) {
    if (err instanceof ConflictError) deps.log({ msg: "registration refused", reason: "email taken", ip: client.ip });
    throw err;
  }
  deps.log({ msg: "registered", userId: user.id, ip: client.ip });
  return { user, ...await issue(deps, user) };
}

/**
 * Signs a member in. An unknown email and a wrong password get the same error after the same bcrypt work; failures
 * lock the account with growing waits, and every address has its own budget of attempts.
 */
export async function login(
  deps: AuthDeps,
  input: { email: string; password: string },
  client: Client,
): Promise<SignedIn> {
  const account = `login:acct:${emailKey(input.email)}`;
  await limitAddress(deps, `login:ip:${client.ip}`, LIMITS.loginAttemptsPerAddress);
  const locked = await deps.limiter.lockedFor(account);
  if (locked > 0) {
    deps.log({ msg: "login refused", reason: "account locked", ip: client.ip });
    throw new RateLimitError(Math.ceil(locked / 1000), "Too many failed sign-ins for this account. Try again later.");
  }
  const user = await deps.store.getUserByEmail(emailKey(input.email));
  const ok = await deps.hasher.verify(input.password, user?.passwordHash ?? null);
  if (!ok || !user) {
    const failures = await deps.limiter.hit(account, LIMITS.failureWindowMs);
    const allowed = scaledLimit(LIMITS.failedLoginsPerAccount, deps.limitFactor);
    if (failures.count >= allowed) {
      const waitMs = Math.min(1000 * 2 ** (failures.count - allowed), LIMITS.maxLockMs);
      await deps.limiter.lock(account, waitMs);
    }
    deps.log({ msg: "login failed", ip: client.ip, failures: failures.count, ...(user ? { userId: user.id } : {}) });
    throw new AuthenticationError("The email or password is incorrect.");
  }
  await deps.limiter.reset(account);
  deps.log({ msg: "login", userId: user.id, ip: client.ip });
  return { user, ...await issue(deps, user) };
}

/**
 * Trades a refresh token for a new pair. The old token stops working; presenting a token that was already rotated
 * away revokes its whole family (it was stolen, or raced), so at most one family stays live.
 */
export async function refresh(deps: AuthDeps, refreshToken: string, client: Client): Promise<SignedIn> {
  const invalid = () => new AuthenticationError("The refresh token is not valid; sign in again.");
  if (!refreshToken || refreshToken.length > 256) throw invalid();
  const hash = await hashRefreshToken(refreshToken);
  const found = await deps.store.findSessionByToken(hash);
  if (!found) throw invalid();
  const { session } = found;
  if (!found.current) {
    await revoke(deps, session);
    deps.log({ msg: "refresh token reuse", userId: session.userId, sessionId: session.id, ip: client.ip });
    throw invalid();
  }
  if (session.revokedAt || session.expiresAt.getTime() <= Date.now()) throw invalid();
  const user = await deps.store.getUser(session.userId);
  if (!user) throw invalid();
  const next = randomToken();
  if (!await deps.store.rotateSession(session.id, hash, await hashRefreshToken(next))) {
    // Another request rotated this token first: the same as reuse.
    await revoke(deps, session);
    deps.log({ msg: "refresh race lost", userId: user.id, sessionId: session.id, ip: client.ip });
    throw invalid();
  }
  return {
    user,
    accessToken: await signAccessToken(deps.tokens, { sub: user.id, sid: session.id }),
    refreshToken: next,
    expiresIn: ACCESS_TTL_SECONDS,
    sessionId: session.id,
  };
}

/** Ends a session: its refresh family is revoked, so its access tokens stop working at once too. */
export async function logout(deps: AuthDeps, session: Session): Promise<void> {
  await revoke(deps, session);
}

async function revoke(deps: AuthDeps, session: Session): Promise<void> {
  await deps.store.revokeSession(session.id);
  await deps.live.sessionEnded(session.userId, session.id);
}

/** The session a refresh token belongs to, if it is live (for signing out with only a refresh token). */
export async function sessionOfRefreshToken(deps: AuthDeps, refreshToken: string): Promise<Session | null> {
  if (!refreshToken || refreshToken.length > 256) return null;
  const found = await deps.store.findSessionByToken(await hashRefreshToken(refreshToken));
  return found?.current && !found.session.revokedAt ? found.session : null;
}

export interface Caller {
  user: User;
  session: Session;
  /** Unread notifications, counted (up to the cap asked for) with the session lookup; 0 when not asked. */
  unreadNotifications?: number;
}

/** The member behind an access token, or null: forged, expired, or from a session that was revoked. */
export async function authenticate(
  deps: Pick<AuthDeps, "store" | "tokens">,
  accessToken: string,
  unreadCap = 0,
): Promise<Caller | null> {
  const claims = await verifyAccessToken(deps.tokens, accessToken);
  if (!claims) return null;
  const found = await deps.store.getSessionWithUser(claims.sid, unreadCap);
  if (!found) return null;
  const { session, user, unreadNotifications } = found;
  if (session.revokedAt || session.userId !== claims.sub || session.expiresAt.getTime() <= Date.now()) return null;
  return { user, session, unreadNotifications };
}
