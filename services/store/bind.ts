// How an adapter's facade is made: each aggregate file exports its port methods as functions that take the adapter's
// context first, and the facade binds them to its context by name. The port type checks every name and signature.

/** `fn` without its context parameter. */
type Bound<F> = F extends (ctx: never, ...args: infer A) => infer R ? (...args: A) => R : never;

/** The functions `names` of `module`, each with `ctx` bound as its first argument. */
export function bind<C, M extends Record<K, (ctx: C, ...args: never[]) => unknown>, K extends keyof M & string>(
  ctx: C,
  module: M,
  names: readonly K[],
): { [P in K]: Bound<M[P]> } {
  const bound = {} as Record<K, unknown>;
  for (const name of names) {
    const fn = module[name] as unknown as (ctx: C, ...args: unknown[]) => unknown;
    bound[name] = (...args: unknown[]) => fn(ctx, ...args);
  }
  return bound as { [P in K]: Bound<M[P]> };
}
