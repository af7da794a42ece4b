'use client';

import Link from 'next/link';
import { formatCount, formatDate, formatRating, titleCase } from '~/lib/format';
import { api } from '~/trpc/react';
import { InstallPanel } from './install-panel';

export function AgentDetail({ slug }: { slug: string }) {
  const agent = api.marketplace.agent.useQuery({ slug });
  if (agent.isPending) return <p className="muted">Loading…</p>;
  if (agent.isError) return <p className="error">{agent.error.message}</p>;
  const a = agent.data;
  return (
    <article className="detail">
      <p className="breadcrumb">
        <Link href="/">Marketplace</Link> /{' '}
        <Link href={`/?category=${a.category}`}>{titleCase(a.category)}</Link>
      </p>
      <h1>{a.name}</h1>
      <p className="lead">{a.description}</p>
      <ul className="tags">
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
          <dt>Author</dt>
          <dd>{a.author.name}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>{formatDate(a.updatedAt)}</dd>
        </div>
      </dl>
      <InstallPanel agentId={a.id} />
    </article>
  );
}
