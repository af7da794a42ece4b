import type { Faker } from '@faker-js/faker';
import type { Category } from './options';

/**
 * Template names, descriptions and step names that read like real workflows: a goal per
 * category, and steps that name what they act on ("Summarize the findings"), not faker nouns.
 */
const GOALS: Record<Category, Array<[name: string, outcome: string]>> = {
  coding: [
    ['Pull request review', 'every PR gets a first review within minutes'],
    ['Release notes', 'release notes written from what was merged'],
    ['Flaky test triage', 'flaky tests found, grouped and assigned'],
    ['Dependency upgrade', 'upgrades proposed with the breaking changes spelled out'],
  ],
  research: [
    ['Weekly literature digest', 'a one-page digest of new papers every Monday'],
    ['Claim check', 'every statistic in a draft traced to its source'],
    ['Competitor scan', 'a brief on what competitors shipped this month'],
  ],
  data: [
    ['Metric anomaly alert', 'odd movements in key metrics explained before standup'],
    ['CSV import', 'spreadsheets mapped and loaded into the warehouse'],
    ['Weekly KPI report', 'a KPI summary with charts every Friday'],
  ],
  writing: [
    ['Blog post pipeline', 'notes turned into an edited, on-brand draft'],
    ['Docs translation', 'docs translated with consistent terminology'],
    ['Changelog polish', 'terse commit messages turned into readable changelogs'],
  ],
  support: [
    ['Ticket triage', 'new tickets tagged, prioritised and routed'],
    ['Refund request handling', 'refund requests checked against policy and drafted'],
    ['Escalation summary', 'long threads summarised for the on-call engineer'],
  ],
  sales: [
    ['Inbound lead routing', 'inbound leads scored and assigned within the hour'],
    ['Meeting prep', 'an account brief in your inbox before each call'],
    ['CRM hygiene', 'call notes turned into up-to-date CRM fields'],
  ],
  marketing: [
    ['Launch campaign', 'a launch planned across channels from one brief'],
    ['SEO audit', 'pages audited and fixes ranked by impact'],
    ['Social calendar', 'a week of posts drafted and scheduled'],
  ],
  devops: [
    ['Incident postmortem', 'a postmortem draft from the incident timeline'],
    ['Cost review', 'cloud spend changes explained every month'],
    ['Deploy check', 'each deploy verified against the runbook'],
  ],
  security: [
    ['Dependency vulnerability sweep', 'vulnerable dependencies found and fixes proposed'],
    ['Access review', 'unused and over-privileged access flagged quarterly'],
    ['Secret leak response', 'leaked keys found, revoked and reported'],
  ],
  productivity: [
    ['Meeting follow-up', 'notes and action items sent after every meeting'],
    ['Inbox zero', 'your inbox sorted into reply, read and archive'],
    ['Weekly planning', 'next week planned from open tasks and meetings'],
  ],
};

const OBJECTS: Record<string, string[]> = {
  run: ['the checks', 'the import', 'the analysis', 'the scan'],
  review: ['the draft', 'the proposed changes', 'the results', 'the findings'],
  summarize: ['the findings', 'the thread', 'the week', 'the results'],
  classify: ['new items', 'the requests', 'the alerts', 'the tickets'],
  transform: ['the data', 'the notes', 'the draft', 'the export'],
  notify: ['the team', 'the owner', 'the channel', 'stakeholders'],
  approve: ['the changes', 'the plan', 'the draft', 'the release'],
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function templateText(
  f: Faker,
  category: Category,
  stepCount: number,
): { name: string; description: string } {
  const [goal, outcome] = f.helpers.arrayElement(GOALS[category]);
  const style = f.helpers.arrayElement(['', ' (weekly)', ' for small teams', ' with approval', ' (daily)']);
  return {
    name: `${goal}${style}`,
    description: `${cap(outcome)}. ${stepCount} steps; agents do the work, people approve what matters.`,
  };
}

export function stepName(f: Faker, action: string): string {
  return `${cap(action)} ${f.helpers.arrayElement(OBJECTS[action] ?? ['the work'])}`;
}
