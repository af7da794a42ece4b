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
  /** The workspace its write toggled (undefined for the seeded state). */
  toggled?: number;
}

export interface Pending {
  startedAt: number;
  next: Omit<Version, 'startedAt' | 'visibleFrom'>;
}

const rounded = (t: number) => (Number.isFinite(t) ? `+${Math.round(t)}` : 'seed');

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
    this.pending = {
      startedAt,
      next: { count: this.latest.count + (install ? 1 : -1), installedIn, toggled: workspaceId },
    };
    return install ? 'install' : 'uninstall';
  }

  /** The write returned (or its outcome was read from PostgreSQL) with this state. */
  settle(state: { count: number; installedIn: ReadonlySet<number> }, visibleFrom: number): void {
    if (!this.pending) throw new Error('oracle: nothing in flight to settle');
    const { toggled } = this.pending.next;
    this.versions.push({
      ...state,
      startedAt: this.pending.startedAt,
      visibleFrom,
      ...(toggled === undefined ? {} : { toggled }),
    });
    this.pending = null;
  }

  /**
   * The last `n` writes, times relative to `origin` (the window's start), for a wrong answer's
   * report: which write the oracle expected to see, and from when.
   */
  describe(origin: number, n = 4): string {
    const writes = this.versions
      .slice(-n)
      .map(
        (v) =>
          `${v.toggled === undefined ? 'seed' : `ws ${v.toggled}`} (count ${v.count}) sent ${rounded(v.startedAt - origin)} ` +
          `visible ${rounded(v.visibleFrom - origin)}`,
      );
    if (this.pending)
      writes.push(
        `ws ${this.pending.next.toggled} in flight since ${rounded(this.pending.startedAt - origin)}`,
      );
    return writes.join('; ');
  }

  /** True when one of the last `n` writes toggled `workspaceId`. */
  touchedRecently(workspaceId: number, n = 4): boolean {
    return (
      this.versions.slice(-n).some((v) => v.toggled === workspaceId) ||
      this.pending?.next.toggled === workspaceId
    );
  }

  /**
   * The versions that set a fact: every write sets the agent's count; only the writes that
   * toggled `workspaceId` set whether it is installed there. A write promises its own facts
   * from when it returned, not the facts of earlier writes: after a write whose outcome is
   * unknown (a crash after commit, visible only within the crash bound), the next write to the
   * same agent in another workspace makes the agent's count current but says nothing about the
   * crashed write's workspace, whose repair may still be within its bound.
   */
  private setters(workspaceId: number | undefined): Version[] {
    if (workspaceId === undefined) return this.versions;
    return this.versions.filter((v, i) => i === 0 || v.toggled === workspaceId);
  }

  /**
   * Every state a read over [t0, t1] may show, oldest first: of the fact named by `workspaceId`
   * (installed there or not), or of the count when it is undefined.
   */
  acceptable(t0: number, t1: number, workspaceId?: number): Omit<Version, 'startedAt' | 'visibleFrom'>[] {
    const versions = this.setters(workspaceId);
    let first = 0;
    versions.forEach((v, i) => {
      if (v.visibleFrom < t0) first = i;
    });
    const out: Omit<Version, 'startedAt' | 'visibleFrom'>[] = versions
      .slice(first)
      .filter((v, i) => i === 0 || v.startedAt < t1);
    const pending = this.pending;
    if (
      pending &&
      pending.startedAt < t1 &&
      (workspaceId === undefined || pending.next.toggled === workspaceId)
    )
      out.push(pending.next);
    return out;
  }

  /**
   * How long `matches` had been out of date when a read started at t0: t0 minus the time the
   * first version after the newest matching one became visible. Null when no version matches.
   */
  lag(t0: number, matches: (v: Version) => boolean, workspaceId?: number): number | null {
    const versions = this.setters(workspaceId);
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i] as Version;
      if (v.visibleFrom >= t0) continue;
      if (matches(v)) {
        const next = versions[i + 1];
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
  /** The agent whose history the answer contradicts. */
  agentId?: number;
}

const OK: Verdict = { ok: true };

export function checkCount(h: AgentHistory, agentId: number, shown: number, t0: number, t1: number): Verdict {
  const allowed = h.acceptable(t0, t1).map((v) => v.count);
  if (allowed.includes(shown)) return OK;
  return {
    ok: false,
    detail: `agent ${agentId} installCount ${shown}, expected one of [${allowed.join(', ')}]`,
    lagMs: h.lag(t0, (v) => v.count === shown),
    agentId,
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
  if (h.acceptable(t0, t1, workspaceId).some((v) => v.installedIn.has(workspaceId) === shown)) return OK;
  return {
    ok: false,
    detail: `agent ${agentId} ${shown ? 'installed' : 'not installed'} in workspace ${workspaceId}, which a returned write had changed`,
    lagMs: h.lag(t0, (v) => v.installedIn.has(workspaceId) === shown, workspaceId),
    agentId,
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
    const values = h.acceptable(t0, t1, workspaceId).map((v) => (v.installedIn.has(workspaceId) ? 1 : 0));
    lo += Math.min(...values);
    hi += Math.max(...values);
  }
  return [lo, hi];
}
