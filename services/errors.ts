// Typed domain errors. Services throw these; one middleware turns them into problem+json or a page message.

export interface FieldIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule (422). */
export class ValidationError extends DomainError {
  constructor(message: string, readonly issues: FieldIssue[] = []) {
    super(message, "validation");
  }
}

/** Unknown, or not visible to the caller (404): never says which. */
export class NotFoundError extends DomainError {
  constructor(what = "resource") {
    super(`The ${what} does not exist.`, "not-found");
  }
}

/** A file of a kind that is not taken (415): told by its bytes, never by its name or header. */
export class UnsupportedMediaError extends DomainError {
  constructor(message: string) {
    super(message, "unsupported-media");
  }
}

/** No or bad credentials (401). */
export class AuthenticationError extends DomainError {
  constructor(message = "Sign in to continue.") {
    super(message, "unauthenticated");
  }
}

/** The caller may see the thing but not act on it (403). */
export class ForbiddenError extends DomainError {
  constructor(message = "You are not allowed to do that.") {
    super(message, "forbidden");
  }
}

/**
 * A uniqueness or state conflict (409). `field` names the clashing input when there is one; `retryAfterSeconds`, when
 * the conflict passes by itself (a running duplicate request).
 */
export class ConflictError extends DomainError {
  constructor(message: string, readonly field?: string, readonly retryAfterSeconds?: number) {
    super(message, "conflict");
  }
}

/** Too many attempts (429). */
export class RateLimitError extends DomainError {
  constructor(readonly retryAfterSeconds: number, message = "Too many attempts. Try again later.") {
    super(message, "rate-limited");
  }
}

/** A backend the request truly needs is down (503, with `retry-after`). */
export class UnavailableError extends DomainError {
  /** Seconds a client should wait before trying again: about how long a restarted database or failover takes. */
  readonly retryAfterSeconds = 5;
  constructor(readonly backend: string, options?: ErrorOptions) {
    super(`${backend} is not available right now.`, "unavailable");
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
