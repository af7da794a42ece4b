import type { RouterOutputs } from '@stash/api';
import { AgentCard } from './agent-card';

type Agent = RouterOutputs['marketplace']['search']['items'][number];

export function AgentGrid({ agents }: { agents: Agent[] }) {
  if (agents.length === 0) return <p className="muted">No agents match.</p>;
  return (
    <ul className="card-grid" data-testid="agent-list">
      {agents.map((agent) => (
        <li key={agent.id}>
          <AgentCard agent={agent} />
        </li>
      ))}
    </ul>
  );
}
