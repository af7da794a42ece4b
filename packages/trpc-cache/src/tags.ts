/**
 * A tag names something cached entries depend on; invalidating it is how a write makes stale
 * reads disappear. One declaration gives everything about a tag: `defineTag('agent:{agentId}')`
 * is the builder (`agent(12)` -> `agent:12`), the pattern docs show, and the matcher that checks
 * produced tags against what a procedure or mutation declared.
 */

/** The names between braces in a pattern: `'a:{x}:b:{y}'` -> `'x' | 'y'`. */
type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;

export type TagValue = string | number;

/** No parameter: `tag()`; one: `tag(12)`; several: `tag({ userId: 1, kind: 'x' })`. */
export type TagArgs<P extends string> = [ParamNames<P>] extends [never]
  ? []
  : IsUnion<ParamNames<P>> extends true
    ? [params: Record<ParamNames<P>, TagValue>]
    : [value: TagValue];

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** A tag's argument (an id, or the params object), or a list of them: one tag each. */
// biome-ignore lint/suspicious/noExplicitAny: the argument of a definition of any arity.
export type TagPick = any;

/**
 * How a cached read finds one kind of tag of its entry, written as an object literal so that
 * TypeScript types the callback from the procedure's input or output:
 * - `{ tag, fromInput: (input, ctx) => id }`: known before loading, checked in the same round
 *   trip as the entry;
 * - `{ tag, fromOutput: (output) => ids }`: what only the answer knows (a list's ids).
 * A tag without parameters is listed as it is.
 */
export type TagRule<TCtx, TInput, TOutput> =
  | { readonly tag: AnyTag; readonly fromInput: (input: TInput, ctx: TCtx) => TagPick }
  | { readonly tag: AnyTag; readonly fromOutput: (output: TOutput) => TagPick };

/** The tags a picked argument (or list of them) stands for. */
export function tagsOf(tag: AnyTag, picked: unknown): string[] {
  return Array.isArray(picked) ? picked.map((arg) => tag(arg)) : [tag(picked)];
}

export interface TagDef<P extends string = string> {
  (...args: TagArgs<P>): string;
  /** The pattern as declared, e.g. `agent:{agentId}`: docs show it, and it names the kind. */
  readonly pattern: P;
  /** Does a concrete tag belong to this definition? */
  matches(tag: string): boolean;
}

/** Any tag definition, whatever its parameters: what declarations and checks hold. */
export interface AnyTag {
  // biome-ignore lint/suspicious/noExplicitAny: a definition of any arity; each TagDef types its own.
  (...args: any[]): string;
  readonly pattern: string;
  matches(tag: string): boolean;
}

/** A tag without parameters, which a cached read may list as it is (`tags: [marketplaceLists]`). */
export interface ConstantTag extends AnyTag {
  (): string;
}

const PARAM = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

export function defineTag<const P extends string>(pattern: P): TagDef<P> {
  const names = [...pattern.matchAll(PARAM)].map((m) => m[1] ?? '');
  const regex = new RegExp(
    `^${pattern
      .split(/\{[a-zA-Z][a-zA-Z0-9]*\}/)
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^:]+')}$`,
  );
  const build = (arg?: unknown): string => {
    if (names.length === 0) return pattern;
    const params: Record<string, unknown> =
      names.length === 1 ? { [names[0] ?? '']: arg } : ((arg ?? {}) as Record<string, unknown>);
    return pattern.replace(PARAM, (_, name: string) => String(params[name]));
  };
  const def = Object.assign((...args: unknown[]) => build(args[0]), {
    pattern,
    matches: (tag: string) => regex.test(tag),
  });
  return def as unknown as TagDef<P>;
}

/** The definition a concrete tag belongs to among `defs`, or undefined. */
export function tagDefOf(tag: string, defs: Iterable<AnyTag>): AnyTag | undefined {
  for (const def of defs) if (def.matches(tag)) return def;
  return undefined;
}

/** A tag that none of the declared definitions covers: the declaration and the code drifted. */
export class UndeclaredTagError extends Error {
  override name = 'UndeclaredTagError';
}

/**
 * Throws when a produced tag matches none of the declared ones. Run outside production only
 * (`checkTags`): the tests exercise every procedure, so declarations and docs cannot drift.
 */
export function assertDeclared(
  owner: string,
  produced: readonly string[],
  declared: readonly AnyTag[],
): void {
  const stray = produced.find((tag) => !tagDefOf(tag, declared));
  if (stray !== undefined) {
    const names = declared.map((d) => d.pattern).join(', ') || 'none';
    throw new UndeclaredTagError(
      `${owner} uses tag "${stray}", which its declaration (${names}) does not cover.`,
    );
  }
}
