import type { Category } from './options';

/**
 * Per-category words for agent and template names and tags. faker has no "AI agent" module, so
 * names combine these with faker's hacker/company vocabulary; descriptions are faker sentences.
 */
export const CATEGORY_VOCABULARY: Record<Category, { nouns: string[]; tags: string[] }> = {
  coding: {
    nouns: ['Code Reviewer', 'Refactor Bot', 'Test Writer', 'PR Summarizer', 'Type Fixer', 'Linter'],
    tags: ['typescript', 'python', 'review', 'testing', 'refactoring', 'git'],
  },
  research: {
    nouns: ['Literature Scout', 'Paper Digest', 'Fact Checker', 'Citation Finder', 'Trend Analyst'],
    tags: ['papers', 'summaries', 'citations', 'web-search', 'analysis'],
  },
  data: {
    nouns: ['SQL Copilot', 'Dashboard Builder', 'ETL Pilot', 'Anomaly Detector', 'Schema Mapper'],
    tags: ['sql', 'etl', 'analytics', 'csv', 'warehouse', 'charts'],
  },
  writing: {
    nouns: ['Copy Editor', 'Blog Drafter', 'Tone Tuner', 'Doc Writer', 'Translator'],
    tags: ['editing', 'blog', 'grammar', 'translation', 'docs'],
  },
  support: {
    nouns: ['Ticket Triage', 'Helpdesk Agent', 'FAQ Responder', 'Escalation Router', 'CSAT Monitor'],
    tags: ['tickets', 'helpdesk', 'chat', 'faq', 'zendesk'],
  },
  sales: {
    nouns: ['Lead Qualifier', 'Outreach Writer', 'CRM Updater', 'Deal Coach', 'Proposal Builder'],
    tags: ['crm', 'leads', 'outreach', 'pipeline', 'email'],
  },
  marketing: {
    nouns: ['Campaign Planner', 'SEO Optimizer', 'Social Scheduler', 'Ad Copywriter', 'Brand Monitor'],
    tags: ['seo', 'social', 'ads', 'campaigns', 'content'],
  },
  devops: {
    nouns: ['Incident Responder', 'Deploy Captain', 'Log Analyst', 'Cost Watcher', 'Terraform Helper'],
    tags: ['kubernetes', 'ci', 'monitoring', 'terraform', 'incidents', 'aws'],
  },
  security: {
    nouns: ['Vulnerability Scanner', 'Secrets Sweeper', 'Access Auditor', 'Threat Hunter', 'Policy Checker'],
    tags: ['vulnerabilities', 'compliance', 'audit', 'secrets', 'iam'],
  },
  productivity: {
    nouns: ['Meeting Notetaker', 'Inbox Sorter', 'Task Planner', 'Calendar Assistant', 'Standup Bot'],
    tags: ['meetings', 'email', 'calendar', 'tasks', 'notes'],
  },
};

export const STEP_ACTIONS = ['run', 'review', 'summarize', 'classify', 'transform', 'notify', 'approve'];
