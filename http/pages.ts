// Domain errors on pages, mapped in one place as problemFor maps them for the API. A record that is not there (or
// not the caller's to see) is the 404 page, whichever handler read it. A list read with a link Prok did not make, or
// with a backend down, is the list page itself with a sentence and the status saying why. Forms keep formFailure:
// they show the visitor's input again.
import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { NotFoundError, UnavailableError, ValidationError } from "../services/errors.ts";
import { isApiPath } from "./problem.ts";

/** Middleware: a page handler's NotFoundError answers the 404 page, as if the handler had rendered it. */
export async function notFoundPage(_req: Request, ctx: FreshContext<AppState>): Promise<Response> {
  if (ctx.destination !== "route" || isApiPath(ctx.url)) return ctx.next();
  try {
    return await ctx.next();
  } catch (err) {
    if (err instanceof NotFoundError) return ctx.renderNotFound();
    throw err;
  }
}

export interface ListProblem {
  status: number;
  problem: string;
  /** Headers the page answers with besides its own: `retry-after` for a backend that is down. */
  headers?: Record<string, string>;
}

/**
 * Why a list page cannot show its list, or null for an error that is not the visitor's (it becomes the 500 page).
 * `what` names the page in the sentence ("page of results"); `down` is the sentence for a backend that is down, on
 * the pages that read one that can be (search); without it, that too is a 500.
 */
export function listProblem(err: unknown, what: string, down?: string): ListProblem | null {
  if (err instanceof ValidationError) {
    return { status: 422, problem: `That ${what} cannot be shown: the link is incomplete or was not made by Prok.` };
  }
  if (err instanceof UnavailableError && down) {
    return { status: 503, problem: down, headers: { "retry-after": String(err.retryAfterSeconds) } };
  }
  return null;
}
