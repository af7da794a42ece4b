import type { Faker } from '@faker-js/faker';
import type { Category } from './options';

/**
 * What an agent's listing says: a one-line description and a Markdown README with the sections
 * real marketplace listings have (what it does, setup, example, limits, changelog). Per-category
 * phrases keep it plausible; faker only picks and orders them, so the text is not lorem ipsum.
 */
interface Profile {
  /** "<verb phrase>" completing "It …" */
  jobs: string[];
  /** Where it reads from / writes to. */
  tools: string[];
  /** A request a user would type. */
  prompts: string[];
}

const PROFILES: Record<Category, Profile> = {
  coding: {
    jobs: [
      'reviews pull requests for bugs and risky changes',
      'writes missing unit tests',
      'explains failing CI runs',
      'suggests refactors with a diff',
      'keeps types strict after upgrades',
    ],
    tools: ['GitHub', 'GitLab', 'Bitbucket', 'Jira', 'your CI logs'],
    prompts: [
      'Review PR #482 and flag anything that touches auth.',
      'Write tests for src/billing/invoice.ts.',
      'Why did the main build fail last night?',
    ],
  },
  research: {
    jobs: [
      'summarises papers into one-page briefs',
      'checks claims against primary sources',
      'finds and formats citations',
      'tracks new work on a topic every week',
      'compares methods across studies',
    ],
    tools: ['arXiv', 'Semantic Scholar', 'PubMed', 'Zotero', 'Notion'],
    prompts: [
      'Summarise the three most cited papers on retrieval-augmented generation.',
      'Is this statistic in our deck sourced?',
      'Give me BibTeX for these five DOIs.',
    ],
  },
  data: {
    jobs: [
      'turns questions into SQL and explains the result',
      'builds dashboards from a metric list',
      'flags anomalies in daily metrics',
      'maps CSV columns to your warehouse schema',
      'documents tables and their owners',
    ],
    tools: ['PostgreSQL', 'BigQuery', 'Snowflake', 'dbt', 'Metabase'],
    prompts: [
      'Weekly active users by plan for the last 12 weeks.',
      'Why did signups drop on Tuesday?',
      'Load customers.csv into the staging schema.',
    ],
  },
  writing: {
    jobs: [
      'edits drafts for clarity and tone',
      'turns notes into a blog post outline',
      'translates docs while keeping terminology',
      'checks grammar against your style guide',
      'writes release notes from merged PRs',
    ],
    tools: ['Google Docs', 'Notion', 'Confluence', 'Markdown files', 'Contentful'],
    prompts: [
      'Tighten this intro to under 120 words.',
      'Translate the onboarding guide into German.',
      'Draft release notes for v4.2.',
    ],
  },
  support: {
    jobs: [
      'triages new tickets by urgency and topic',
      'drafts replies from your help centre',
      'routes escalations to the right team',
      'summarises long ticket threads',
      'spots trending issues before they spike',
    ],
    tools: ['Zendesk', 'Intercom', 'Freshdesk', 'Slack', 'Help Scout'],
    prompts: [
      'Which tickets from today mention refunds?',
      'Draft a reply to ticket 18233.',
      'Summarise this thread for the on-call engineer.',
    ],
  },
  sales: {
    jobs: [
      'qualifies inbound leads against your ICP',
      'writes first-touch outreach',
      'keeps CRM fields up to date after calls',
      'prepares account briefs before meetings',
      'drafts proposals from a template',
    ],
    tools: ['Salesforce', 'HubSpot', 'Pipedrive', 'Gmail', 'Gong'],
    prompts: [
      'Score the leads that came in this week.',
      'Brief me on Acme Corp before the 3pm call.',
      'Update the CRM from my call notes.',
    ],
  },
  marketing: {
    jobs: [
      'plans campaigns from a goal and budget',
      'audits pages for SEO issues',
      'schedules social posts across channels',
      'writes ad variants for testing',
      'monitors brand mentions',
    ],
    tools: ['Google Ads', 'Meta Ads', 'Buffer', 'Ahrefs', 'Mailchimp'],
    prompts: [
      'Plan a two-week launch campaign for the new pricing page.',
      'Audit /pricing for SEO problems.',
      'Write five headline variants for the spring sale.',
    ],
  },
  devops: {
    jobs: [
      'summarises incidents and drafts postmortems',
      'explains cloud cost changes',
      'reviews Terraform plans before apply',
      'digs through logs for the first error',
      'checks deploys against the runbook',
    ],
    tools: ['Kubernetes', 'Terraform', 'Datadog', 'PagerDuty', 'AWS'],
    prompts: [
      'What changed before the 02:14 latency spike?',
      'Review this Terraform plan for destructive changes.',
      'Why did our AWS bill grow 18% this month?',
    ],
  },
  security: {
    jobs: [
      'scans dependencies for known vulnerabilities',
      'finds secrets committed to repositories',
      'audits IAM roles for excess privilege',
      'maps controls to SOC 2 requirements',
      'triages security alerts',
    ],
    tools: ['GitHub Advanced Security', 'Snyk', 'AWS IAM', 'Okta', 'Vanta'],
    prompts: [
      'Which services still use the vulnerable log4j version?',
      'List IAM roles unused for 90 days.',
      'Check this repo for leaked keys.',
    ],
  },
  productivity: {
    jobs: [
      'takes meeting notes with action items',
      'sorts your inbox into what needs a reply',
      'plans your week from open tasks',
      'finds time for meetings across time zones',
      'writes the daily standup summary',
    ],
    tools: ['Google Calendar', 'Outlook', 'Slack', 'Linear', 'Todoist'],
    prompts: [
      'Summarise my 10am meeting with action items.',
      'What needs a reply from me today?',
      'Find 30 minutes with the design team this week.',
    ],
  },
};

const LIMITS = [
  'It never sends anything on your behalf without an approval step.',
  'Answers cite the documents they come from; anything it cannot source is marked as such.',
  'Large inputs are processed in chunks, so the first result can take a minute.',
  'It reads only the projects you grant it access to.',
  'Rate limits of the connected services apply.',
];

function changelog(f: Faker, name: string): { version: string; lines: string[] } {
  let [major, minor, patch] = [f.number.int({ min: 0, max: 3 }), f.number.int({ min: 1, max: 9 }), 0];
  const entries: string[] = [];
  for (let i = f.number.int({ min: 2, max: 4 }); i > 0; i--) {
    if (entries.length > 0) {
      if (f.datatype.boolean(0.3)) [minor, patch] = [minor + 1, 0];
      else patch++;
    }
    const change = f.helpers.arrayElement([
      'Fixed handling of very long inputs',
      'Added retries when a connected service times out',
      'Added a dry-run mode that shows changes before applying them',
      'Improved error messages',
      'Added workspace-level settings',
      `Made ${name} answer faster on the first request`,
    ]);
    entries.push(`- **${major}.${minor}.${patch}**: ${change}.`);
  }
  // The newest release is the agent's version and comes first.
  return { version: `${major}.${minor}.${patch}`, lines: entries.reverse() };
}

export function agentListing(
  f: Faker,
  agent: { name: string; category: Category; tags: string[] },
): { description: string; longDescription: string; version: string } {
  const profile = PROFILES[agent.category];
  const [job, ...more] = f.helpers.shuffle(profile.jobs);
  const tools = f.helpers.arrayElements(profile.tools, { min: 2, max: 3 });
  const { version, lines } = changelog(f, agent.name);
  const description = `${agent.name} ${job}. Connects to ${tools.join(' and ')}.`;
  const longDescription = [
    `${agent.name} ${job}, so your ${agent.category} team spends its time on decisions rather than busywork.`,
    '## What it does',
    [job, ...more.slice(0, 2)].map((j) => `- It ${j}.`).join('\n'),
    '## Setup',
    `1. Install it into a workspace.\n2. Connect ${tools[0]}${tools[1] ? ` (and optionally ${tools.slice(1).join(', ')})` : ''}.\n3. Set a schedule or call it from a template step.`,
    [
      '```yaml',
      `agent: ${agent.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      `schedule: "${f.helpers.arrayElement(['0 9 * * 1-5', 'hourly', 'on-demand'])}"`,
      `approval: ${f.helpers.arrayElement(['required', 'optional'])}`,
      '```',
    ].join('\n'),
    '## Example',
    `> ${f.helpers.arrayElement(profile.prompts)}`,
    '## Limits',
    f.helpers.arrayElement(LIMITS),
    '## Changelog',
    lines.join('\n'),
  ].join('\n\n');
  return { description, longDescription, version };
}
