import type { RouterOutputs } from '@stash/api';
import Link from 'next/link';
import { AgentAvatar } from '~/components/agent/avatar';
import { formatCount, formatRating, titleCase } from '~/lib/format';
import { Highlighted } from './highlighted';

type Agent = RouterOutputs['marketplace']['search']['items'][number];

export function AgentCard({ agent }: { agent: Agent }) {
  return (
    <article className="card agent-card">
      <header>
        <AgentAvatar seed={agent.slug} size={36} />
        <h2>
          <Link href={`/agents/${agent.slug}`}>
            <Highlighted text={agent.name} ranges={agent.matches?.name} />
          </Link>
        </h2>
        <span className="badge">{titleCase(agent.category)}</span>
      </header>
      <p className="description">
        <Highlighted text={agent.description} ranges={agent.matches?.description} />
      </p>
      <footer className="stats">
        <span title={`${agent.ratingCount} ratings`}>★ {formatRating(agent.rating)}</span>
        <span>{formatCount(agent.installCount)} installs</span>
        <span className="muted">by {agent.author.name}</span>
      </footer>
    </article>
  );
}
