import type { RouterOutputs } from '@stash/api';
import { AgentCard } from './agent-card';

type Agent = RouterOutputs['marketplace']['search']['items'][number];

/** `onClear` is given when filters are on: the empty state then offers to drop them. */
export function AgentGrid({ agents, onClear }: { agents: Agent[]; onClear?: (() => void) | undefined }) {
  if (agents.length === 0) {
    return (
      <div className="empty-state" data-testid="empty-state">
        <p>No agents match these filters.</p>
        {onClear && (
          <button type="button" className="button secondary" onClick={onClear}>
            Clear filters
          </button>
        )}
      </div>
    );
  }
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
