// Sign-up, sign-in, token refresh with rotation and reuse detection, sign-out, and turning an access token back
// into a member. Rules: QUALITY.md "Security requirements"; shapes: API.md "Auth".
import { AuthenticationError, ConflictError, RateLimitError } from "./errors.ts";
import type { PasswordHasher } from "./passwords.ts";
import { type RateLimiter, scaledLimit } from "./ratelimit/types.ts";
import type { Live } from "./realtime/events.ts";
import type { Keys } from "./secrets.ts";
import type { Role, Session, User } from "./store/model.ts";
import type { MembersPort, SessionsPort } from "./store/ports/members.ts";
import type { PageReadsPort } from "./store/ports/pages.ts";
import {
  ACCESS_TTL_SECONDS,
  hashRefreshToken,
  randomToken,
  REFRESH_TTL_MS,
  signAccessToken,
  type TokenIssuer,
  verifyAccessToken,
} from "./tokens.ts";

/** The storage ports this module uses. */
type Store = MembersPort & SessionsPort & PageReadsPort;

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
  /** `refresh` derives a rotated token's successor; `limits` hashes emails into rate-limit keys. */
  keys: Pick<Keys, "refresh" | "limits">;
  /** The clock of refresh rotations (tests move it past the reuse grace). */
  now: () => number;
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
  /** Failures of one account from one address before that address waits (1 s, doubling up to maxLockMs). */
  failedLoginsPerAccountAndAddress: 5,
  /**
   * Failures of one account from every address together before the account refuses sign-ins until its hour ends:
   * high enough that nobody locks a member out by guessing, low enough to stop a guessing botnet.
   */
  failedLoginsPerAccount: { count: 100, windowMs: 60 * MINUTE },
  loginAttemptsPerAddress: { count: 100, windowMs: 15 * MINUTE },
  registrationsPerAddress: { count: 20, windowMs: 60 * MINUTE },
  failureWindowMs: 15 * MINUTE,
  maxLockMs: 15 * MINUTE,
};

/** How long a rotated refresh token may be presented again for the same successor (two tabs refreshing at once). */
export const REFRESH_GRACE_MS = 10_000;

const emailKey = (email: string) => email.trim().toLowerCase();

async function hmac(key: CryptoKey, data: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)));
}

/** An email as a rate-limit key (HMAC-SHA256 hex): the limiter's backend (Redis) never holds an address. */
async function accountKey(deps: AuthDeps, email: string): Promise<string> {
  return Array.from(await hmac(deps.keys.limits, emailKey(email)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The token that replaces `token`: derived with a server key rather than drawn at random, so a racing second
 * refresh with the same token gets the very same successor without it ever being stored. Unguessable without the
 * key, and shaped like a random token (32 bytes, base64url).
 */
async function successorOf(deps: AuthDeps, token: string): Promise<string> {
  const bytes = await hmac(deps.keys.refresh, `refresh:${token}`);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

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
 * Signs a member in. An unknown email and a wrong password get the same error after the same bcrypt work. Failures
 * lock the account for the address they came from, with growing waits, so a stranger's guesses never lock the member
 * out elsewhere; the account's own ceiling across all addresses stops a distributed guesser. Every address also has
 * its own budget of attempts.
 */
export async function login(
  deps: AuthDeps,
  input: { email: string; password: string },
  client: Client,
): Promise<SignedIn> {
  await limitAddress(deps, `login:ip:${client.ip}`, LIMITS.loginAttemptsPerAddress);
  const acct = await accountKey(deps, input.email);
  const account = `login:acct:${acct}`;
  const pair = `login:acct-ip:${acct}:${client.ip}`;
  const [locked, accountFailures] = await Promise.all([deps.limiter.lockedFor(pair), deps.limiter.peek(account)]);
  if (locked > 0) {
    deps.log({ msg: "login refused", reason: "account locked for this address", ip: client.ip });
    throw new RateLimitError(Math.ceil(locked / 1000), "Too many failed sign-ins for this account. Try again later.");
  }
  if (accountFailures.count >= scaledLimit(LIMITS.failedLoginsPerAccount.count, deps.limitFactor)) {
    deps.log({ msg: "login refused", reason: "account failure ceiling", ip: client.ip });
    throw new RateLimitError(
      Math.ceil(accountFailures.resetInMs / 1000),
      "Too many failed sign-ins for this account. Try again later.",
    );
  }
  const user = await deps.store.getUserByEmail(emailKey(input.email));
  const ok = await deps.hasher.verify(input.password, user?.passwordHash ?? null);
  if (!ok || !user) {
    const [failures] = await Promise.all([
      deps.limiter.hit(pair, LIMITS.failureWindowMs),
      deps.limiter.hit(account, LIMITS.failedLoginsPerAccount.windowMs),
    ]);
    const allowed = scaledLimit(LIMITS.failedLoginsPerAccountAndAddress, deps.limitFactor);
    if (failures.count >= allowed) {
      const waitMs = Math.min(1000 * 2 ** (failures.count - allowed), LIMITS.maxLockMs);
      await deps.limiter.lock(pair, waitMs);
    }
    deps.log({ msg: "login failed", ip: client.ip, failures: failures.count, ...(user ? { userId: user.id } : {}) });
    throw new AuthenticationError("The email or password is incorrect.");
  }
  // Only this address's failures are forgiven: the account's ceiling keeps counting a distributed guesser.
  await deps.limiter.reset(pair);
  deps.log({ msg: "login", userId: user.id, ip: client.ip });
  return { user, ...await issue(deps, user) };
}

/**
 * Trades a refresh token for a new pair. The old token stops working, except that for REFRESH_GRACE_MS after its
 * rotation it yields the same successor again (two page loads refreshing at once both stay signed in, in one
 * family). Presenting a token rotated away longer ago, or one whose successor was itself rotated, revokes the whole
 * family (it was stolen), so at most one family stays live.
 */
export async function refresh(deps: AuthDeps, refreshToken: string, client: Client): Promise<SignedIn> {
  const invalid = () => new AuthenticationError("The refresh token is not valid; sign in again.");
  if (!refreshToken || refreshToken.length > 256) throw invalid();
  const hash = await hashRefreshToken(refreshToken);
  const found = await deps.store.findSessionByToken(hash);
  if (!found) throw invalid();
  const next = await successorOf(deps, refreshToken);
  const nextHash = await hashRefreshToken(next);
  let session = found.session;
  if (!found.current || !await deps.store.rotateSession(session.id, hash, nextHash, new Date(deps.now()))) {
    // Rotated already (maybe a moment ago by a racing request): re-read the family to see by whom and when.
    const latest = await deps.store.getSession(session.id);
    if (!latest || !withinGrace(deps, latest, nextHash)) {
      if (latest && !latest.revokedAt) {
        await revoke(deps, latest);
        deps.log({ msg: "refresh token reuse", userId: latest.userId, sessionId: latest.id, ip: client.ip });
      }
      throw invalid();
    }
    session = latest;
  }
  if (session.revokedAt || session.expiresAt.getTime() <= deps.now()) throw invalid();
  const user = await deps.store.getUser(session.userId);
  if (!user) throw invalid();
  return {
    user,
    accessToken: await signAccessToken(deps.tokens, { sub: user.id, sid: session.id }),
    refreshToken: next,
    expiresIn: ACCESS_TTL_SECONDS,
    sessionId: session.id,
  };
}

/** Whether the live token of `session` is the successor of the one presented, rotated in within the grace. */
function withinGrace(deps: AuthDeps, session: Session, successorHash: string): boolean {
  return session.revokedAt === null && session.tokenHash === successorHash && session.rotatedAt !== null &&
    deps.now() - session.rotatedAt.getTime() <= REFRESH_GRACE_MS;
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
