// RFC 9457 problem details, the error shape of every /api response (API.md, Conventions).

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  type?: string;
  errors?: FieldError[];
}

export function problem(p: Problem, headers?: HeadersInit): Response {
  const body = { type: p.type ?? "about:blank", title: p.title, status: p.status, detail: p.detail, errors: p.errors };
  const h = new Headers(headers);
  h.set("content-type", "application/problem+json");
  return new Response(JSON.stringify(body), { status: p.status, headers: h });
}

export function isApiPath(url: URL): boolean {
  return url.pathname === "/api" || url.pathname.startsWith("/api/");
}

/**
 * Whether a raw query string (`url.search`) holds a percent escape that does not decode: `%zz`, a lone `%`, or bytes
 * that are not UTF-8 (`%E0%A4%A`). URLSearchParams would silently keep or replace them; we answer 400 instead.
 */
export function hasMalformedEscape(search: string): boolean {
  if (!search.includes("%")) return false;
  for (const part of search.replace(/^\?/, "").split(/[&=]/)) {
    try {
      decodeURIComponent(part);
    } catch {
      return true;
    }
  }
  return false;
}
