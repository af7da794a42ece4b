/**
 * Busy-loop processes beside a run: the fault suite and the load scenarios must keep their
 * promises with the CPU saturated, so `--busy=2` runs them beside two of these. Each spins one
 * core until the teardown stops it by its own pid.
 */
import { spawn } from 'node:child_process';
import { stopChild } from './child';
import type { Teardown } from './teardown';

export function startBusyLoops(n: number, teardown: Teardown): number[] {
  const pids: number[] = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
    if (child.pid !== undefined) pids.push(child.pid);
    teardown.add(`stop busy loop ${child.pid}`, () => stopChild(child, false));
  }
  return pids;
}
