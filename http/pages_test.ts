import { assertEquals } from "../framework/testing/assert.ts";
import { ForbiddenError, UnavailableError, ValidationError } from "../services/errors.ts";
import { listProblem } from "./pages.ts";

Deno.test("[pages] listProblem: a link Prok did not make is 422; a backend down is 503 only where the page says so", () => {
  assertEquals(listProblem(new ValidationError("bad cursor"), "page of results"), {
    status: 422,
    problem: "That page of results cannot be shown: the link is incomplete or was not made by Prok.",
  });
  assertEquals(listProblem(new UnavailableError("search"), "page", "Search is down."), {
    status: 503,
    problem: "Search is down.",
    headers: { "retry-after": "5" },
  });
  assertEquals(listProblem(new UnavailableError("search"), "page"), null);
  assertEquals(listProblem(new ForbiddenError(), "page"), null);
  assertEquals(listProblem(new Error("boom"), "page"), null);
});
