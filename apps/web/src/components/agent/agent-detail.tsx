'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { DetailSkeleton } from '~/components/ui/skeleton';
import { formatCount, formatDate, formatRating, titleCase } from '~/lib/format';
import { api } from '~/trpc/react';
import { AgentAvatar } from './avatar';
import { InstallPanel } from './install-panel';
import { InstalledIn } from './installed-in';

/** `readme` is rendered by the server page (Markdown stays out of the browser bundle). */
export function AgentDetail({ slug, readme }: { slug: string; readme: ReactNode }) {
  const agent = api.marketplace.agent.useQuery({ slug });
  if (agent.isPending) return <DetailSkeleton />;
  if (agent.isError) return <p className="error">{agent.error.message}</p>;
  const a = agent.data;
  return (
    <article className="detail">
      <p className="breadcrumb">
        <Link href="/">Marketplace</Link> /{' '}
        <Link href={`/?category=${a.category}`}>{titleCase(a.category)}</Link>
      </p>
      <header className="agent-header">
        <AgentAvatar seed={a.slug} />
        <div>
          <h1>{a.name}</h1>
          <p className="muted small">
            by {a.author.name} · v{a.version}
          </p>
        </div>
      </header>
      <p className="lead">{a.description}</p>
      <ul className="tags" aria-label="Tags">
        {a.tags.map((tag) => (
          <li key={tag} className="tag">
            {tag}
          </li>
        ))}
      </ul>
      <dl className="facts">
        <div>
          <dt>Rating</dt>
          <dd>
            ★ {formatRating(a.rating)} <span className="muted">({formatCount(a.ratingCount)})</span>
          </dd>
        </div>
        <div>
          <dt>Installs</dt>
          <dd data-testid="install-count">{formatCount(a.installCount)}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>{a.version}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>{formatDate(a.updatedAt)}</dd>
        </div>
      </dl>
      <InstallPanel agentId={a.id} agentName={a.name} />
      <InstalledIn agentId={a.id} />
      {readme}
    </article>
  );
}
