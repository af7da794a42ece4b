/**
 * The oracle decides what the fault suite calls a wrong answer: it must flag every read older
 * than a write that returned, and nothing the product does not promise.
 */
import { describe, expect, it } from 'vitest';
import { AgentHistory, checkCount, checkInstalled, installRange } from '../src/oracle';

/** Agent 1, seeded with 10 installs, installed in workspace 9 only. */
function seeded(): AgentHistory {
  return new AgentHistory(10, [9]);
}

/** One write to agent 1 that toggles `workspaceId`, sent at `sentAt`, seen by everyone from `visibleFrom`. */
function write(h: AgentHistory, workspaceId: number, sentAt: number, visibleFrom: number): void {
  h.begin(workspaceId, sentAt);
  const next = h.pending?.next;
  if (!next) throw new Error('no write in flight');
  h.settle({ count: next.count, installedIn: next.installedIn }, visibleFrom);
}

describe('the fault oracle', () => {
  it('flags a read that started after a write returned and shows the state from before it', () => {
    const h = seeded();
    write(h, 3, 100, 200); // installs in workspace 3, returned at 200
    expect(checkInstalled(h, 1, 3, false, 250, 260).ok).toBe(false);
    expect(checkCount(h, 1, 10, 250, 260).ok).toBe(false);
    expect(installRange([h], 3, 250, 260)).toEqual([1, 1]);
  });

  it('accepts either state while the write is in flight', () => {
    const h = seeded();
    h.begin(3, 100);
    expect(checkInstalled(h, 1, 3, false, 150, 160).ok).toBe(true);
    expect(checkInstalled(h, 1, 3, true, 150, 160).ok).toBe(true);
    expect(installRange([h], 3, 150, 160)).toEqual([0, 1]);
  });

  it('a crashed write is due only at its bound, even after a later write to the same agent elsewhere', () => {
    const h = seeded();
    write(h, 3, 100, 5_200); // crashed after commit: its repair may take until 5,200
    write(h, 4, 300, 400); // the next write to agent 1, in workspace 4, returned at 400
    // Workspace 3 may still show the old state before the bound...
    expect(checkInstalled(h, 1, 3, false, 500, 510).ok).toBe(true);
    expect(installRange([h], 3, 500, 510)).toEqual([0, 1]);
    // ...but not after it.
    expect(checkInstalled(h, 1, 3, false, 5_300, 5_310).ok).toBe(false);
    expect(installRange([h], 3, 5_300, 5_310)).toEqual([1, 1]);
    // The later write's own facts are due at once: its workspace, and the count it returned.
    expect(checkInstalled(h, 1, 4, false, 500, 510).ok).toBe(false);
    expect(checkCount(h, 1, 11, 500, 510).ok).toBe(false);
    expect(checkCount(h, 1, 12, 500, 510).ok).toBe(true);
  });
});
