/** Child-process plumbing shared by the Redis and web-app handles. */
import type { ChildProcess } from 'node:child_process';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/**
 * Sends `signal` to the child's whole process group when it leads one (spawned `detached`), so
 * a wrapper process and the server it runs are stopped, continued or killed together.
 */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (!isRunning(child) || child.pid === undefined) return;
  try {
    process.kill(group ? -child.pid : child.pid, signal);
  } catch {
    // exited between the check and the signal
  }
}

/** Resolves once the child has exited; SIGCONT first so a stopped process can act on SIGTERM. */
export function stopChild(child: ChildProcess | undefined, group: boolean, graceMs = 10_000): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL', group), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    signalGroup(child, 'SIGCONT', group);
    signalGroup(child, 'SIGTERM', group);
  });
}

export function killChild(child: ChildProcess | undefined, group: boolean): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    signalGroup(child, 'SIGKILL', group);
  });
}

/** Polls `check` until it is true, failing early when the child died. */
export async function waitUntil(
  check: () => Promise<boolean>,
  opts: { child?: ChildProcess; what: string; timeoutMs: number; logs?: () => string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    const child = opts.child;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${opts.what} exited (${child.exitCode ?? child.signalCode})\n${opts.logs?.() ?? ''}`);
    }
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${opts.what} not ready after ${opts.timeoutMs} ms\n${opts.logs?.() ?? ''}`);
}
