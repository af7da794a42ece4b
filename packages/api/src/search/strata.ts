/**
 * Best match as an ordered list of strata (docs/search.md, "Best match"). Each stratum is a set of
 * agents described by tsqueries on one of agent_search's three documents (name; name and tags;
 * everything), with a base score; inside a stratum, agents go by popularity. The SQL function
 * agent_search_top reads them in order, most installed first, and stops when the page is full,
 * so a search reads about a page of candidates, not all its matches.
 *
 * The terms are SQL tsquery expressions (full-text.ts makes them, one per word).
 */
import { Prisma } from '@stash/db';

export interface Stratum {
  /** The stratum's condition, on exactly one document: that document's index reads it. */
  by: { name: Prisma.Sql } | { head: Prisma.Sql } | { document: Prisma.Sql };
  /** A condition on the whole document every agent of the stratum also meets. */
  must: Prisma.Sql;
  /** Agents matching these belong to an earlier stratum. */
  notName?: Prisma.Sql;
  notHead?: Prisma.Sql;
  notDocument?: Prisma.Sql;
  /** Scores in the stratum lie in [base, base + 1): base + installs / (installs + half). */
  base: number;
}

export interface StrataPlan {
  strata: Stratum[];
  /** Strata from this index on are the OR fallback: used only when no agent has every word. */
  fallbackFrom: number;
  every: Prisma.Sql;
  any: Prisma.Sql;
}

/** Each level's score step: a stratum of more matched words always ranks above one of fewer. */
const PER_WORD = 10;

const and = (terms: Prisma.Sql[]) => Prisma.sql`(${Prisma.join(terms, ' && ')})`;
const or = (terms: Prisma.Sql[]) => Prisma.sql`(${Prisma.join(terms, ' || ')})`;

/** Every way to pick `size` of the terms, in order. */
function subsets<T>(items: T[], size: number): T[][] {
  if (size === 0) return [[]];
  return items.flatMap((item, i) => subsets(items.slice(i + 1), size - 1).map((rest) => [item, ...rest]));
}

/** Agents matching at least `count` of the terms. */
function atLeast(terms: Prisma.Sql[], count: number): Prisma.Sql {
  return or(subsets(terms, count).map(and));
}

/**
 * Agents with every word, best first: all words in the name, all in name or tags, some in the
 * name, some in name or tags, the rest. One word has three strata (name, tags, elsewhere).
 */
function everyWordStrata(terms: Prisma.Sql[], every: Prisma.Sql, any: Prisma.Sql): Stratum[] {
  const base = terms.length * PER_WORD;
  if (terms.length === 1) {
    return [
      { by: { name: every }, must: every, base: base + 4 },
      { by: { head: every }, must: every, notName: every, base: base + 3 },
      { by: { document: every }, must: every, notHead: every, base },
    ];
  }
  return [
    { by: { name: every }, must: every, base: base + 4 },
    { by: { head: every }, must: every, notName: every, base: base + 3 },
    { by: { name: any }, must: every, notHead: every, base: base + 2 },
    { by: { head: any }, must: every, notName: any, notHead: every, base: base + 1 },
    { by: { document: every }, must: every, notHead: any, base },
  ];
}

/**
 * When no agent has every word: those with the most words first (n-1, then n-2, ... 1); among
 * equals, a word in the name, then in the tags, then elsewhere.
 */
function fallbackStrata(terms: Prisma.Sql[], any: Prisma.Sql): Stratum[] {
  const strata: Stratum[] = [];
  for (let count = terms.length - 1; count >= 1; count--) {
    const matched = atLeast(terms, count);
    const more = count < terms.length - 1 ? { notDocument: atLeast(terms, count + 1) } : {};
    const base = count * PER_WORD;
    strata.push(
      { by: { name: any }, must: matched, ...more, base: base + 2 },
      { by: { head: any }, must: matched, notName: any, ...more, base: base + 1 },
      { by: { document: matched }, must: matched, notHead: any, ...more, base },
    );
  }
  return strata;
}

export function bestMatchStrata(terms: Prisma.Sql[]): StrataPlan {
  const every = and(terms);
  const any = or(terms);
  const strata = everyWordStrata(terms, every, any);
  const fallbackFrom = strata.length + 1; // 1-based, as SQL arrays
  return { strata: [...strata, ...fallbackStrata(terms, any)], fallbackFrom, every, any };
}

const NO_QUERY = Prisma.sql`NULL::tsquery`;

function column(strata: Stratum[], pick: (s: Stratum) => Prisma.Sql | undefined): Prisma.Sql {
  return Prisma.sql`ARRAY[${Prisma.join(strata.map((s) => pick(s) ?? NO_QUERY))}]::tsquery[]`;
}

/** The strata as agent_search_top's parallel array arguments. */
export function strataArguments(strata: Stratum[]): Prisma.Sql {
  return Prisma.join(
    [
      column(strata, (s) => ('name' in s.by ? s.by.name : undefined)),
      column(strata, (s) => ('head' in s.by ? s.by.head : undefined)),
      column(strata, (s) => ('document' in s.by ? s.by.document : undefined)),
      column(strata, (s) => s.must),
      column(strata, (s) => s.notName),
      column(strata, (s) => s.notHead),
      column(strata, (s) => s.notDocument),
      Prisma.sql`ARRAY[${Prisma.join(strata.map((s) => s.base))}]::float8[]`,
    ],
    ', ',
  );
}
