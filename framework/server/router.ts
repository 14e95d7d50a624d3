// Route matching on a segment trie: a request walks the path once, trying at each segment a literal child, then a
// parameter, then a catch-all, and backs up only when a branch dead-ends. Cost grows with the path's depth, not with
// the number of routes.

export type Segment =
  | { kind: "literal"; value: string }
  | { kind: "param"; name: string }
  | { kind: "optional"; name: string }
  | { kind: "rest"; name: string };

export interface Match<T> {
  value: T;
  params: Record<string, string>;
}

// A route's terminal: the value plus its parameter names in path order (routes sharing a trie node may name the
// same position differently, e.g. [id] and [userId]).
interface Terminal<T> {
  value: T;
  names: string[];
}

interface Node<T> {
  literals: Map<string, Node<T>>;
  param?: Node<T>;
  rest?: Terminal<T>;
  end?: Terminal<T>;
}

function newNode<T>(): Node<T> {
  return { literals: new Map() };
}

/** Parses a file-route path such as `/blog/[slug]/[...rest]` (groups already removed) into segments. */
export function parseFilePattern(path: string): Segment[] {
  return path.split("/").filter(Boolean).map((part): Segment => {
    const optional = part.match(/^\[\[([A-Za-z_$][\w$]*)\]\]$/);
    if (optional) return { kind: "optional", name: optional[1] };
    const rest = part.match(/^\[\.\.\.([A-Za-z_$][\w$]*)\]$/);
    if (rest) return { kind: "rest", name: rest[1] };
    const param = part.match(/^\[([A-Za-z_$][\w$]*)\]$/);
    if (param) return { kind: "param", name: param[1] };
    if (/[[\]]/.test(part)) {
      throw new Error(`Invalid route segment "${part}": use [name], [[name]] or [...name] for a whole segment.`);
    }
    return { kind: "literal", value: part };
  });
}

/** Parses a `routeOverride` pattern such as `/posts/:id`, `/:v?` or `/files/:path*`. */
export function parseOverridePattern(pattern: string): Segment[] {
  return pattern.split("/").filter(Boolean).map((part): Segment => {
    const m = part.match(/^:([A-Za-z_$][\w$]*)([?*]?)$/);
    if (!m) {
      if (part.includes(":")) throw new Error(`Invalid routeOverride segment "${part}" in "${pattern}".`);
      return { kind: "literal", value: part };
    }
    if (m[2] === "?") return { kind: "optional", name: m[1] };
    if (m[2] === "*") return { kind: "rest", name: m[1] };
    return { kind: "param", name: m[1] };
  });
}

/** The Fresh-style pattern string shown as `ctx.route`. */
export function patternString(segments: Segment[]): string {
  const parts = segments.map((s) => {
    switch (s.kind) {
      case "literal":
        return s.value;
      case "param":
        return `:${s.name}`;
      case "optional":
        return `:${s.name}?`;
      case "rest":
        return `:${s.name}*`;
    }
  });
  return "/" + parts.join("/");
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes are kept as sent rather than failing the request
  }
}

export class Router<T> {
  #root: Node<T> = newNode();
  #shapes = new Map<string, string>();

  /** Adds a route; `label` names it in the error raised when two routes claim the same path. */
  add(segments: Segment[], value: T, label: string): void {
    const optionalAt = segments.findIndex((s) => s.kind === "optional");
    if (optionalAt >= 0) {
      const opt = segments[optionalAt] as { name: string };
      const present = segments.map((s, i): Segment => i === optionalAt ? { kind: "param", name: opt.name } : s);
      this.add(present, value, label);
      this.add(segments.filter((_, i) => i !== optionalAt), value, label);
      return;
    }
    const restAt = segments.findIndex((s) => s.kind === "rest");
    if (restAt >= 0 && restAt !== segments.length - 1) {
      throw new Error(`${label}: a catch-all segment must be the last one.`);
    }
    const shape = segments.map((s) => s.kind === "literal" ? s.value : s.kind === "rest" ? "*" : ":").join("/");
    const taken = this.#shapes.get(shape);
    if (taken !== undefined) throw new Error(`${label} and ${taken} both match the same URLs; keep one of them.`);
    this.#shapes.set(shape, label);

    const names = segments.flatMap((s) => s.kind === "literal" ? [] : [s.name]);
    let node = this.#root;
    for (const seg of segments) {
      if (seg.kind === "literal") {
        let next = node.literals.get(seg.value);
        if (!next) node.literals.set(seg.value, next = newNode());
        node = next;
      } else if (seg.kind === "param") {
        node = node.param ??= newNode();
      } else {
        node.rest = { value, names };
        return;
      }
    }
    node.end = { value, names };
  }

  /** Matches a URL pathname (still percent-encoded); parameters come back decoded. */
  match(pathname: string): Match<T> | null {
    const segments = pathname.split("/").filter(Boolean);
    return this.#walk(this.#root, segments, 0, []);
  }

  #walk(node: Node<T>, segs: string[], i: number, values: string[]): Match<T> | null {
    if (i === segs.length) {
      if (node.end) return found(node.end, values);
      if (node.rest) return found(node.rest, [...values, ""]);
      return null;
    }
    const literal = node.literals.get(decode(segs[i]));
    if (literal) {
      const hit = this.#walk(literal, segs, i + 1, values);
      if (hit) return hit;
    }
    if (node.param) {
      values.push(decode(segs[i]));
      const hit = this.#walk(node.param, segs, i + 1, values);
      if (hit) return hit;
      values.pop();
    }
    if (node.rest) return found(node.rest, [...values, segs.slice(i).map(decode).join("/")]);
    return null;
  }
}

function found<T>(terminal: Terminal<T>, values: string[]): Match<T> {
  const params: Record<string, string> = {};
  terminal.names.forEach((name, i) => params[name] = values[i]);
  return { value: terminal.value, params };
}
