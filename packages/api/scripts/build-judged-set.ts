/**
 * Writes search-quality/judged.json: queries over the default demo seed (5,000 agents, fixed
 * seed) with the agents that should come first, chosen by rules on the seeded rows (below), never
 * by running the search. Run against a database seeded with `pnpm --filter @stash/db seed`:
 *
 *   DATABASE_URL=postgresql://... pnpm --filter @stash/api search:judged
 *
 * Re-run only when the seed changes; the committed file is the judgement the suite holds the
 * search to.
 */
import { writeFile } from 'node:fs/promises';
import { createDb } from '@stash/db';
import { type JudgedQuery, judgedSetPath } from '../src/search/quality';

interface Agent {
  slug: string;
  name: string;
  description: string;
  tags: string[];
  installCount: number;
}

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to a database seeded with the default demo seed');
const db = createDb({ url, poolMax: 1 });
const agents: Agent[] = await db.prisma.agent.findMany({
  where: { published: true },
  select: { slug: true, name: true, description: true, tags: true, installCount: true },
  orderBy: { id: 'asc' },
});
await db.close();

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
const slugs = (list: Agent[]) => list.map((a) => a.slug);
const nameHas = (word: string) => agents.filter((a) => words(a.name).includes(word));
const nameStarts = (prefix: string) => agents.filter((a) => words(a.name).some((w) => w.startsWith(prefix)));
const descriptionHas = (word: string) => agents.filter((a) => words(a.description).includes(word));

const judged: JudgedQuery[] = [];
function add(kind: JudgedQuery['kind'], query: string, expected: Agent[], why: string) {
  if (expected.length === 0) throw new Error(`no agent fits "${query}" (${why})`);
  judged.push({ kind, query, why, expected: slugs(expected) });
}

// Exact names: names borne by one agent only, spread over the catalogue.
const nameCount = new Map<string, number>();
for (const a of agents) nameCount.set(a.name, (nameCount.get(a.name) ?? 0) + 1);
const unique = agents.filter((a) => nameCount.get(a.name) === 1);
for (let i = 0; i < 12; i++) {
  const agent = unique[Math.floor((i * unique.length) / 12)]!;
  add('exact name', i % 2 ? agent.name.toLowerCase() : agent.name, [agent], 'the only agent with this name');
}

// Single words of names: agents with the word in their name should lead.
for (const word of [
  'translator',
  'linter',
  'triage',
  'copilot',
  'scanner',
  'notetaker',
  'digest',
  'captain',
  'qualifier',
  'optimizer',
]) {
  add('single word', word, nameHas(word), `"${word}" in the name`);
}
// The brief's example: a verb whose noun is in the names.
add('single word', 'translate', nameHas('translator'), 'Translators, not agents that mention translation');
add('single word', 'summarize', nameHas('summarizer'), 'Summarizers');

// Several words: all of them in the name, or name + description.
for (const name of [
  'SQL Copilot',
  'Code Reviewer',
  'Threat Hunter',
  'Campaign Planner',
  'Deploy Captain',
  'Meeting Notetaker',
]) {
  add(
    'multi-word',
    name.toLowerCase(),
    agents.filter((a) => a.name.endsWith(name)),
    `name ends with "${name}"`,
  );
}
for (const [noun, tool] of [
  ['translator', 'confluence'],
  ['copilot', 'bigquery'],
  ['triage', 'zendesk'],
  ['scanner', 'snyk'],
] as const) {
  add(
    'multi-word',
    `${noun} ${tool}`,
    nameHas(noun).filter((a) => words(a.description).includes(tool)),
    `"${noun}" in the name and ${tool} in the description`,
  );
}
{
  // The first adjective + noun pair that several agents share: all of them are equally right.
  const pair = agents.find((a) => (nameCount.get(a.name) ?? 0) >= 3)!;
  add(
    'multi-word',
    pair.name.toLowerCase(),
    agents.filter((a) => a.name === pair.name),
    'an exact name several agents share',
  );
}
add('multi-word', 'summarize pdf', nameHas('summarizer'), 'no agent mentions PDFs: the summarizers');
add(
  'multi-word',
  'translate docs',
  nameHas('translator').filter((a) => words(a.description).includes('docs')),
  'Translators that translate docs',
);

// One typo (words of 5 to 8 letters may have one; longer words count as well).
const oneTypo: Array<[string, string]> = [
  ['linter', 'lintr'],
  ['triage', 'traige'],
  ['copilot', 'copilt'],
  ['scanner', 'scaner'],
  ['digest', 'digset'],
  ['captain', 'captian'],
  ['planner', 'planer'],
  ['hunter', 'huntr'],
  ['auditor', 'auditr'],
  ['drafter', 'drafer'],
  ['summarizer', 'sumarizer'],
];
for (const [word, typo] of oneTypo) add('one typo', typo, nameHas(word), `"${word}" misspelled once`);
add('one typo', 'sumarize', nameHas('summarizer'), 'summarize misspelled once');

// Two typos (words of 9 letters or more).
const twoTypos: Array<[string, string]> = [
  ['translator', 'tarnslatr'],
  ['notetaker', 'notetakre'],
  ['qualifier', 'qualifeir'],
  ['optimizer', 'optimzier'],
  ['responder', 'resopnder'],
  ['scheduler', 'shceduler'],
];
for (const [word, typo] of twoTypos) add('two typos', typo, nameHas(word), `"${word}" misspelled twice`);

// Prefixes: the last word while it is being typed.
for (const prefix of ['transl', 'summ', 'notet', 'copil', 'vulnerab', 'escal', 'terraf', 'dashb']) {
  add('prefix', prefix, nameStarts(prefix), `a name word starting with "${prefix}"`);
}
add(
  'prefix',
  'sql cop',
  agents.filter((a) => a.name.endsWith('SQL Copilot')),
  'SQL Copilots, the last word half typed',
);

// Words only descriptions have (the tools an agent connects to).
for (const tool of [
  'zotero',
  'snyk',
  'pagerduty',
  'metabase',
  'intercom',
  'gong',
  'vanta',
  'todoist',
  'freshdesk',
]) {
  add('description only', tool, descriptionHas(tool), `${tool} in the description`);
}

await writeFile(judgedSetPath(), `${JSON.stringify(judged, null, 1)}\n`);
console.log(`wrote ${judged.length} judged queries to ${judgedSetPath()}`);
