// Row shapes as the seed writes them: snake_case database columns, dates as ISO strings, so a
// batch can go to Postgres as one JSON document (see insert.ts).

export type UserRow = { id: number; email: string; name: string; password_hash: string; created_at: string };
export type WorkspaceRow = { id: number; slug: string; name: string; created_at: string };
export type MemberRow = {
  workspace_id: number;
  user_id: number;
  role: 'OWNER' | 'MEMBER';
  joined_at: string;
};
export type AgentRow = {
  id: number;
  slug: string;
  name: string;
  description: string;
  /** Markdown README */
  long_description: string;
  version: string;
  category: string;
  tags: string[];
  author_id: number;
  rating: number;
  rating_count: number;
  install_count: number;
  trending_score: number;
  published: boolean;
  created_at: string;
  updated_at: string;
};
export type InstallRow = {
  id: number;
  agent_id: number;
  workspace_id: number;
  installed_by_id: number;
  created_at: string;
};
export type TemplateStep = {
  name: string;
  agentSlug?: string;
  action: string;
  config: Record<string, unknown>;
};
export type TemplateRow = {
  id: number;
  slug: string;
  name: string;
  description: string;
  category: string;
  steps: TemplateStep[];
  author_id: number;
  created_at: string;
  updated_at: string;
};

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}
