/**
 * Search quality against a judged query set (search-quality/judged.json, built from the demo
 * seed by scripts/build-judged-set.ts): the share of queries with an expected agent in the top 3,
 * and the mean reciprocal rank of the first expected agent (0 when none is in the top 10).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '@stash/db';
import { searchAgents } from '../queries/agents';
import { searchInput } from '../routers/marketplace';

/** Where the judged set lives (resolved when asked: bundlers give this module no file URL). */
export function judgedSetPath(): string {
  return fileURLToPath(new URL('../../search-quality/judged.json', import.meta.url));
}

export interface JudgedQuery {
  kind:
    | 'exact name'
    | 'single word'
    | 'multi-word'
    | 'one typo'
    | 'two typos'
    | 'prefix'
    | 'description only';
  query: string;
  /** Why these agents are the right answer (the rule that picked them). */
  why: string;
  /** Slugs of the agents that should come first; any of them at the top counts. */
  expected: string[];
}

export interface QueryOutcome {
  query: JudgedQuery;
  /** 1-based rank of the first expected agent in the top 10, or null. */
  rank: number | null;
  top: string[];
}

export interface QualityReport {
  queries: number;
  top3: number;
  mrr: number;
  outcomes: QueryOutcome[];
}

const DEPTH = 10;

export async function loadJudgedSet(): Promise<JudgedQuery[]> {
  return JSON.parse(await readFile(judgedSetPath(), 'utf8')) as JudgedQuery[];
}

export async function evaluateSearch(prisma: PrismaClient, judged: JudgedQuery[]): Promise<QualityReport> {
  const outcomes: QueryOutcome[] = [];
  for (const query of judged) {
    // Through the input schema, like a request: normalization and the default sort included.
    const page = await searchAgents(prisma, searchInput.parse({ query: query.query, limit: DEPTH }));
    const top = page.items.map((a) => a.slug);
    const expected = new Set(query.expected);
    const index = top.findIndex((slug) => expected.has(slug));
    outcomes.push({ query, rank: index === -1 ? null : index + 1, top });
  }
  const n = outcomes.length;
  return {
    queries: n,
    top3: outcomes.filter((o) => o.rank !== null && o.rank <= 3).length / n,
    mrr: outcomes.reduce((sum, o) => sum + (o.rank ? 1 / o.rank : 0), 0) / n,
    outcomes,
  };
}

/** Report lines: the totals, per kind, and every query that missed the top 3. */
export function formatQualityReport(report: QualityReport): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = [`${report.queries} judged queries: top-3 ${pct(report.top3)}, MRR ${report.mrr.toFixed(3)}`];
  const kinds = [...new Set(report.outcomes.map((o) => o.query.kind))];
  for (const kind of kinds) {
    const of = report.outcomes.filter((o) => o.query.kind === kind);
    const hits = of.filter((o) => o.rank !== null && o.rank <= 3).length;
    lines.push(`  ${kind}: ${hits}/${of.length} in the top 3`);
  }
  for (const o of report.outcomes.filter((x) => x.rank === null || x.rank > 3)) {
    lines.push(
      `  miss: "${o.query.query}" (${o.query.why}): first expected at ${o.rank ?? '>10'}; got ${o.top.slice(0, 3).join(', ')}`,
    );
  }
  return lines;
}
