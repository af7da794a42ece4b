/**
 * Crash right after commit: a write carrying `x-stash-fault: crash-after-commit` makes an
 * instance started with STASH_FAULT_INJECTION=1 kill itself after the database commit and before
 * the invalidation is delivered. The write never returns, so PostgreSQL settles its outcome, and
 * reads must show it within `crashBoundMs` of that (the invalidation's redelivery bound).
 * Without the hook in the build the write simply returns, and the window says so. The load
 * writes nothing to that agent until the window is done, so the count it waits for stays the
 * committed one (a popular agent is otherwise written again within seconds).
 */
import { queryCall, send, sleep } from '@stash/harness';
import type { AgentWrite, Target } from './load';
import { agentState } from './truth';
import type { WindowContext } from './windows';

const CONVERGENCE_EXTRA_MS = 10_000;

export async function crashAfterCommit(ctx: WindowContext): Promise<void> {
  const target = ctx.load.targets[1] ?? ctx.load.targets[0];
  const write = ctx.load.idleWrite();
  if (!target || !write) return ctx.recorder.note('crash skipped: no instance or no idle agent');
  ctx.load.holdAgent(write.agentId);
  try {
    await crashAndConverge(ctx, target, write);
  } finally {
    ctx.load.releaseAgent(write.agentId);
  }
}

async function crashAndConverge(ctx: WindowContext, target: Target, write: AgentWrite): Promise<void> {
  const { app } = target;
  target.expectFailures = true;
  ctx.recorder.note(
    `crash write sent to ${app.label}: agent ${write.agentId}, workspace ${write.workspaceId}`,
  );
  const status = await ctx.load.write({
    target,
    ...write,
    headers: { 'x-stash-fault': 'crash-after-commit' },
    settleGraceMs: ctx.crashBoundMs,
  });
  if (status === 200) {
    target.expectFailures = false;
    return ctx.recorder.note(
      `hook had no effect: the write answered 200 and ${app.label} kept running (no crash-after-commit hook in this build)`,
    );
  }
  target.down = true;
  await Promise.race([app.exited(), sleep(5_000)]);
  const committed = await agentState(ctx.load.prisma, write.agentId);
  const confirmedAt = performance.now();
  ctx.recorder.note(
    `crash write (agent ${write.agentId}, workspace ${write.workspaceId}) answered ${status || 'nothing'}; ` +
      `${app.label} ${app.alive() ? 'was still running' : 'exited'}; PostgreSQL count ${committed.count}`,
  );
  // Convergence: how long until the other instances' agent detail shows the committed count.
  const others = ctx.load.targets.filter((t) => t !== target && !t.down);
  const deadline = confirmedAt + ctx.crashBoundMs + CONVERGENCE_EXTRA_MS;
  let converged: number | null = null;
  while (others.length > 0 && performance.now() < deadline) {
    const answers = await Promise.all(
      others.map((t) =>
        send(t.app.url, queryCall('marketplace.agent', { id: write.agentId }), { timeoutMs: 5_000 }),
      ),
    );
    if (
      answers.every((a) => (a.data as { installCount?: number } | null)?.installCount === committed.count)
    ) {
      converged = performance.now() - confirmedAt;
      break;
    }
    await sleep(100);
  }
  ctx.recorder.crashConverged(converged);
  ctx.recorder.note(
    converged === null
      ? `not converged: other instances still showed the old count ${Math.round(performance.now() - confirmedAt)} ms after the commit was confirmed`
      : `converged ${Math.round(converged)} ms after the commit was confirmed`,
  );
  await app.restart();
  target.down = false;
  target.expectFailures = false;
}
