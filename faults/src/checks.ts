/**
 * Judges one read's answer against the oracle. Exact procedures (agent detail install count,
 * a workspace's installs and their counts, installState, the install count per workspace in
 * `mine`) must be read-your-writes; marketplace lists may lag, so for them only the lag is
 * measured.
 */
import type { ReadOp, World } from '@stash/harness';
import { type AgentHistory, checkCount, checkInstalled, installRange, type Verdict } from './oracle';

interface Card {
  id: number;
  installCount: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCard = (v: unknown): v is Card =>
  isObject(v) && typeof v.id === 'number' && typeof v.installCount === 'number';

export class Checker {
  constructor(
    private readonly world: World,
    private readonly histories: Map<number, AgentHistory>,
    /** The current window's start: wrong answers name their agents' writes relative to it. */
    private readonly origin: () => number = () => 0,
  ) {}

  /**
   * The first wrong fact in an exact read, or ok; a wrong one names the writes behind it.
   * `countSlackMs`: an agent page's install count may be this much older than the read (a CDN
   * copy, where counts are soft facts bounded by its `s-maxage`).
   */
  exact(op: ReadOp, data: unknown, t0: number, t1: number, countSlackMs = 0): Verdict | null {
    const verdict = this.judge(op, data, t0, t1, countSlackMs);
    if (!verdict || verdict.ok) return verdict;
    const writes = this.agentsBehind(verdict).map(
      (id) => `agent ${id}: ${this.histories.get(id)?.describe(this.origin())}`,
    );
    return writes.length > 0
      ? { ...verdict, detail: `${verdict.detail} [writes: ${writes.join(' | ')}]` }
      : verdict;
  }

  /** The agents whose writes a wrong answer is about: the one it names, or a workspace's recent writers. */
  private agentsBehind(verdict: Verdict & { workspaceId?: number }): number[] {
    if (verdict.agentId !== undefined) return [verdict.agentId];
    const workspaceId = verdict.workspaceId;
    if (workspaceId === undefined) return [];
    return [...this.histories]
      .filter(([, h]) => h.touchedRecently(workspaceId))
      .map(([id]) => id)
      .slice(0, 6);
  }

  private judge(
    op: ReadOp,
    data: unknown,
    t0: number,
    t1: number,
    countSlackMs: number,
  ): (Verdict & { workspaceId?: number }) | null {
    const first = (verdicts: Verdict[]): Verdict => verdicts.find((v) => !v.ok) ?? { ok: true };
    switch (op.kind) {
      case 'search':
        return null;
      case 'agent': {
        const h = this.histories.get(op.agentId);
        if (!h) return null;
        if (!isCard(data)) return { ok: false, detail: 'agent answer has no installCount', lagMs: null };
        return checkCount(h, op.agentId, data.installCount, t0 - countSlackMs, t1);
      }
      case 'installState': {
        const installed =
          isObject(data) && Array.isArray(data.installed) ? (data.installed as unknown[]) : null;
        if (!installed)
          return { ok: false, detail: 'installState answer has no installed list', lagMs: null };
        return first(
          op.agentIds.flatMap((id) => {
            const h = this.histories.get(id);
            return h ? [checkInstalled(h, id, op.workspaceId, installed.includes(id), t0, t1)] : [];
          }),
        );
      }
      case 'byId': {
        const installs = isObject(data) && Array.isArray(data.installs) ? (data.installs as unknown[]) : null;
        if (!installs) return { ok: false, detail: 'byId answer has no installs', lagMs: null };
        const cards = installs.map((i) => (isObject(i) ? i.agent : null)).filter(isCard);
        const shown = new Map(cards.map((c) => [c.id, c.installCount]));
        const verdicts: Verdict[] = [];
        for (const [id, h] of this.histories) {
          verdicts.push(checkInstalled(h, id, op.workspaceId, shown.has(id), t0, t1));
          const count = shown.get(id);
          if (count !== undefined) verdicts.push(checkCount(h, id, count, t0, t1));
        }
        return first(verdicts);
      }
      case 'mine': {
        if (!Array.isArray(data)) return { ok: false, detail: 'mine answer is not a list', lagMs: null };
        for (const ws of data as unknown[]) {
          if (!isCard(ws)) continue;
          const [lo, hi] = installRange(this.histories.values(), ws.id, t0, t1);
          const other = this.world.otherInstalls.get(ws.id) ?? 0;
          const n = ws.installCount - other;
          if (n < lo || n > hi) {
            return {
              ok: false,
              detail: `workspace ${ws.id} installCount ${ws.installCount}, expected ${lo + other}..${hi + other}`,
              lagMs: null,
              workspaceId: ws.id,
            };
          }
        }
        return { ok: true };
      }
    }
  }

  /** For a list read: the largest lag (ms) of any install count it shows, 0 when all are current. */
  listLag(data: unknown, t0: number, t1: number): { lagMs: number; unexplained: number } {
    const items = isObject(data) && Array.isArray(data.items) ? (data.items as unknown[]) : [];
    let lagMs = 0;
    let unexplained = 0;
    for (const card of items.filter(isCard)) {
      const h = this.histories.get(card.id);
      if (!h) continue;
      const verdict = checkCount(h, card.id, card.installCount, t0, t1);
      if (verdict.ok) continue;
      if (verdict.lagMs === null || verdict.lagMs === undefined) unexplained++;
      else lagMs = Math.max(lagMs, verdict.lagMs);
    }
    return { lagMs, unexplained };
  }
}
