/**
 * The read-your-writes oracle. Writes to one agent are serialized (at most one in flight per
 * agent, whatever the workspace), so each agent has a linear history of versions: its install
 * count and the workspaces it is installed in. A read that started at t0 and ended at t1 may show
 * any version from the newest one that was *visible* before t0 (its write had returned) up to
 * any version whose write started before t1 (in flight during the read), and nothing older.
 * So concurrent writes never make a false positive, and a read older than a returned write is
 * always caught.
 */

export interface Version {
  count: number;
  installedIn: ReadonlySet<number>;
  /** When its write was sent (ms, performance.now()). -Infinity for the seeded state. */
  startedAt: number;
  /** From when every read must show it (or newer): when the write returned, or was confirmed. */
  visibleFrom: number;
}

export interface Pending {
  startedAt: number;
  next: Omit<Version, 'startedAt' | 'visibleFrom'>;
}

export class AgentHistory {
  readonly versions: Version[];
  pending: Pending | null = null;

  constructor(count: number, installedIn: Iterable<number>) {
    this.versions = [
      { count, installedIn: new Set(installedIn), startedAt: -Infinity, visibleFrom: -Infinity },
    ];
  }

  get latest(): Version {
    return this.versions[this.versions.length - 1] as Version;
  }

  /** Starts the (only) write of this agent: toggles `workspaceId`. */
  begin(workspaceId: number, startedAt: number): 'install' | 'uninstall' {
    if (this.pending) throw new Error('oracle: a write to this agent is already in flight');
    const installedIn = new Set(this.latest.installedIn);
    const install = !installedIn.has(workspaceId);
    if (install) installedIn.add(workspaceId);
    else installedIn.delete(workspaceId);
    this.pending = { startedAt, next: { count: this.latest.count + (install ? 1 : -1), installedIn } };
    return install ? 'install' : 'uninstall';
  }

  /** The write returned (or its outcome was read from PostgreSQL) with this state. */
  settle(state: { count: number; installedIn: ReadonlySet<number> }, visibleFrom: number): void {
    if (!this.pending) throw new Error('oracle: nothing in flight to settle');
    this.versions.push({ ...state, startedAt: this.pending.startedAt, visibleFrom });
    this.pending = null;
  }

  /** Every state a read over [t0, t1] may show, oldest first. */
  acceptable(t0: number, t1: number): Omit<Version, 'startedAt' | 'visibleFrom'>[] {
    let first = 0;
    this.versions.forEach((v, i) => {
      if (v.visibleFrom < t0) first = i;
    });
    const out: Omit<Version, 'startedAt' | 'visibleFrom'>[] = this.versions
      .slice(first)
      .filter((v, i) => i === 0 || v.startedAt < t1);
    if (this.pending && this.pending.startedAt < t1) out.push(this.pending.next);
    return out;
  }

  /**
   * How long `matches` had been out of date when a read started at t0: t0 minus the time the
   * first version after the newest matching one became visible. Null when no version matches.
   */
  lag(t0: number, matches: (v: Version) => boolean): number | null {
    for (let i = this.versions.length - 1; i >= 0; i--) {
      const v = this.versions[i] as Version;
      if (v.visibleFrom >= t0) continue;
      if (matches(v)) {
        const next = this.versions[i + 1];
        return next ? Math.max(0, t0 - next.visibleFrom) : 0;
      }
    }
    return null;
  }
}

export interface Verdict {
  ok: boolean;
  detail?: string;
  /** How old the state shown was (ms since a newer write became visible); null if unexplained. */
  lagMs?: number | null;
}

const OK: Verdict = { ok: true };

export function checkCount(h: AgentHistory, agentId: number, shown: number, t0: number, t1: number): Verdict {
  const allowed = h.acceptable(t0, t1).map((v) => v.count);
  if (allowed.includes(shown)) return OK;
  return {
    ok: false,
    detail: `agent ${agentId} installCount ${shown}, expected one of [${allowed.join(', ')}]`,
    lagMs: h.lag(t0, (v) => v.count === shown),
  };
}

export function checkInstalled(
  h: AgentHistory,
  agentId: number,
  workspaceId: number,
  shown: boolean,
  t0: number,
  t1: number,
): Verdict {
  if (h.acceptable(t0, t1).some((v) => v.installedIn.has(workspaceId) === shown)) return OK;
  return {
    ok: false,
    detail: `agent ${agentId} ${shown ? 'installed' : 'not installed'} in workspace ${workspaceId}, which a returned write had changed`,
    lagMs: h.lag(t0, (v) => v.installedIn.has(workspaceId) === shown),
  };
}

/** Range of `Σ installed(agent, workspace)` over the write pool: any mix of acceptable states. */
export function installRange(
  histories: Iterable<AgentHistory>,
  workspaceId: number,
  t0: number,
  t1: number,
): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const h of histories) {
    const values = h.acceptable(t0, t1).map((v) => (v.installedIn.has(workspaceId) ? 1 : 0));
    lo += Math.min(...values);
    hi += Math.max(...values);
  }
  return [lo, hi];
}
