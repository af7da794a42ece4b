import type { Faker } from '@faker-js/faker';
import { CATEGORIES, REFERENCE_DATE, SEED_WINDOW_MS, type SeedOptions } from './options';
import type { People } from './people';
import { agentListing } from './readme';
import { type AgentRow, type InstallRow, slugify, type TemplateRow, type TemplateStep } from './rows';
import { stepName, templateText } from './template-text';
import { CATEGORY_VOCABULARY, STEP_ACTIONS } from './vocabulary';

const DAY_MS = 24 * 60 * 60 * 1000;
const windowStart = REFERENCE_DATE.getTime() - SEED_WINDOW_MS;

const round = (v: number, digits: number) => Number(v.toFixed(digits));
const titleCase = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

function timestamp(f: Faker, fromMs: number): string {
  return f.date.between({ from: new Date(fromMs), to: REFERENCE_DATE }).toISOString();
}

/**
 * Agents without their final install counts: `basePopularity` (installs from outside the seeded
 * workspaces, heavy-tailed like real marketplaces) is added to the real installs later.
 */
export function generateAgents(
  f: Faker,
  opts: SeedOptions,
): { agents: AgentRow[]; basePopularity: number[] } {
  const agents: AgentRow[] = [];
  const basePopularity: number[] = [];
  for (let id = 1; id <= opts.agents; id++) {
    const category = f.helpers.arrayElement(CATEGORIES);
    const vocab = CATEGORY_VOCABULARY[category];
    const name = `${titleCase(f.hacker.adjective())} ${f.helpers.arrayElement(vocab.nouns)}`;
    const tags = new Set(f.helpers.arrayElements(vocab.tags, { min: 1, max: 3 }));
    tags.add(f.hacker.noun().toLowerCase().replace(/\s+/g, '-'));
    const createdMs = Date.parse(timestamp(f, windowStart));
    const ratingCount = Math.floor(Math.exp(f.number.float({ min: 0, max: 8 })));
    basePopularity.push(Math.floor(Math.exp(f.number.float({ min: 0, max: 10 }))));
    const listing = agentListing(f, { name, category, tags: [...tags] });
    agents.push({
      id,
      slug: `${slugify(name)}-${id}`,
      name,
      description: listing.description,
      long_description: listing.longDescription,
      version: listing.version,
      category,
      tags: [...tags],
      author_id: f.number.int({ min: 1, max: opts.users }),
      rating: round(f.number.float({ min: 1, max: 5 }), 2),
      rating_count: Math.max(1, ratingCount),
      install_count: 0,
      trending_score: 0,
      published: f.number.int({ min: 1, max: 100 }) > 3,
      created_at: new Date(createdMs).toISOString(),
      updated_at: timestamp(f, createdMs),
    });
  }
  return { agents, basePopularity };
}

/**
 * Installs: every workspace installs a few distinct agents (ada's workspace at least five), by one
 * of its members. Picks with a Set instead of shuffling the catalog so 100k agents stay cheap.
 */
export function generateInstalls(f: Faker, people: People, agents: AgentRow[]): InstallRow[] {
  const installs: InstallRow[] = [];
  if (agents.length === 0) return installs;
  const membersOf = new Map<number, number[]>();
  for (const m of people.members) {
    const list = membersOf.get(m.workspace_id) ?? [];
    list.push(m.user_id);
    membersOf.set(m.workspace_id, list);
  }
  for (const ws of people.workspaces) {
    const target = Math.min(agents.length, f.number.int({ min: ws.id === 1 ? 5 : 0, max: 40 }));
    const picked = new Set<number>();
    while (picked.size < target) picked.add(f.number.int({ min: 1, max: agents.length }));
    const wsMembers = membersOf.get(ws.id) ?? [];
    for (const agentId of picked) {
      const agent = agents[agentId - 1]!;
      const from = Math.max(Date.parse(agent.created_at), Date.parse(ws.created_at));
      installs.push({
        id: installs.length + 1,
        agent_id: agentId,
        workspace_id: ws.id,
        installed_by_id: f.helpers.arrayElement(wsMembers),
        created_at: timestamp(f, from),
      });
    }
  }
  return installs;
}

/**
 * installCount = base popularity + real installs (so counts stay consistent with agent_installs),
 * and a trending score that favours installs per day of age, newer agents weighing more.
 */
export function finalizeAgentStats(
  agents: AgentRow[],
  basePopularity: number[],
  installs: InstallRow[],
): void {
  const real = new Map<number, number>();
  for (const i of installs) real.set(i.agent_id, (real.get(i.agent_id) ?? 0) + 1);
  for (const agent of agents) {
    agent.install_count = (basePopularity[agent.id - 1] ?? 0) + (real.get(agent.id) ?? 0);
    const ageDays = (REFERENCE_DATE.getTime() - Date.parse(agent.created_at)) / DAY_MS;
    agent.trending_score = round((agent.install_count * agent.rating) / (ageDays + 2) ** 1.2, 4);
  }
}

export function generateTemplates(f: Faker, opts: SeedOptions, agents: AgentRow[]): TemplateRow[] {
  const templates: TemplateRow[] = [];
  for (let id = 1; id <= opts.templates; id++) {
    const category = f.helpers.arrayElement(CATEGORIES);
    const steps: TemplateStep[] = [];
    const stepCount = f.number.int({ min: 2, max: 6 });
    const { name, description } = templateText(f, category, stepCount);
    for (let s = 0; s < stepCount; s++) {
      const action = f.helpers.arrayElement(STEP_ACTIONS);
      const step: TemplateStep = {
        name: stepName(f, action),
        action,
        config: {
          timeoutSec: f.number.int({ min: 10, max: 600 }),
          retries: f.number.int({ min: 0, max: 3 }),
        },
      };
      if (agents.length > 0 && f.datatype.boolean(0.7)) {
        step.agentSlug = agents[f.number.int({ min: 0, max: agents.length - 1 })]!.slug;
      }
      steps.push(step);
    }
    const createdMs = Date.parse(timestamp(f, windowStart));
    templates.push({
      id,
      slug: `${slugify(name)}-${id}`,
      name,
      description,
      category,
      steps,
      author_id: f.number.int({ min: 1, max: opts.users }),
      created_at: new Date(createdMs).toISOString(),
      updated_at: timestamp(f, createdMs),
    });
  }
  return templates;
}
